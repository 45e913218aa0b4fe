#include "daemon/content/open_beneath.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;
using testing::write_file;

std::string real_path_of(int fd) {
  char buf[4096];
  ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof buf);
  return n <= 0 ? "" : std::string(buf, static_cast<std::size_t>(n));
}

using OpenFn = Result<UniqueFd> (*)(int, std::string_view, int, SymlinkPolicy);

// root/ holds in.txt and sub/f; outside/ (a sibling) holds secret. Each mutation adds one
// symlink to root/ and names the path to open through it.
class OpenBeneathTest : public ::testing::TestWithParam<OpenFn> {
 protected:
  void SetUp() override {
    root_ = dir_.sub("root");
    write_file(root_ + "/in.txt", "inside");
    write_file(root_ + "/sub/f", "inside too");
    write_file(dir_.sub("outside/secret"), "SECRET");
    link("file_out", dir_.sub("outside/secret"));
    link("dir_out", dir_.sub("outside"));
    link("chain", "chain2");
    link("chain2", dir_.sub("outside/secret"));
    link("dotdot", "..");
    link("abs_in", root_ + "/in.txt");
    link("rel_in", "in.txt");
    link("sub_link", "sub");
    link("dangling", "nowhere");
    link("magic", "/proc/self/root" + dir_.sub("outside/secret"));
    root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override { ::close(root_fd_); }
  void link(const std::string& name, const std::string& target) {
    ASSERT_EQ(::symlink(target.c_str(), (root_ + "/" + name).c_str()), 0) << name;
  }

  TempDir dir_;
  std::string root_;
  int root_fd_ = -1;
};

const char* const kThroughSymlinks[] = {
    "file_out",   "dir_out/secret", "chain", "dotdot/outside/secret", "abs_in", "rel_in",
    "sub_link/f", "dangling",       "magic",
};

TEST_P(OpenBeneathTest, RefusePolicyOpensPlainFilesAndNoSymlinkAtAll) {
  OpenFn open_fn = GetParam();
  for (const char* plain : {"in.txt", "sub/f"}) {
    Result<UniqueFd> fd = open_fn(root_fd_, plain, O_RDONLY, SymlinkPolicy::kRefuse);
    ASSERT_TRUE(fd.ok()) << plain << ": " << fd.status().to_string();
    EXPECT_TRUE(real_path_of(fd->get()).starts_with(root_ + "/"));
  }
  for (const char* rel : kThroughSymlinks) {
    Result<UniqueFd> fd = open_fn(root_fd_, rel, O_RDONLY, SymlinkPolicy::kRefuse);
    ASSERT_FALSE(fd.ok()) << rel << " opened " << real_path_of(fd->get());
    EXPECT_EQ(fd.status().code(), Status::Code::kInvalidArgument) << rel;
    std::string first = std::string(rel).substr(0, std::string(rel).find('/'));
    EXPECT_EQ(fd.status().message(), "symlink " + first) << rel;
  }
  EXPECT_EQ(open_fn(root_fd_, "missing", O_RDONLY, SymlinkPolicy::kRefuse).status().code(),
            Status::Code::kNotFound);
}

TEST_P(OpenBeneathTest, BeneathPolicyNeverOpensAnythingOutsideTheRoot) {
  OpenFn open_fn = GetParam();
  for (const char* rel : kThroughSymlinks) {
    Result<UniqueFd> fd = open_fn(root_fd_, rel, O_RDONLY, SymlinkPolicy::kBeneath);
    if (fd.ok()) {
      EXPECT_TRUE(real_path_of(fd->get()).starts_with(root_ + "/")) << rel;
    }
  }
  EXPECT_TRUE(open_fn(root_fd_, "rel_in", O_RDONLY, SymlinkPolicy::kBeneath).ok());
  EXPECT_TRUE(open_fn(root_fd_, "sub_link/f", O_RDONLY, SymlinkPolicy::kBeneath).ok());
  for (const char* out :
       {"file_out", "dir_out/secret", "chain", "dotdot/outside/secret", "magic"}) {
    EXPECT_FALSE(open_fn(root_fd_, out, O_RDONLY, SymlinkPolicy::kBeneath).ok()) << out;
  }
}

INSTANTIATE_TEST_SUITE_P(Openat2AndWalk, OpenBeneathTest,
                         ::testing::Values(&open_beneath, &open_beneath_walk));

}  // namespace
}  // namespace distsync
