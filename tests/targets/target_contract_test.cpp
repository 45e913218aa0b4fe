// The Target contract (daemon/targets/target.h), run against every implementation: what a
// sync relies on must hold for the in-memory twin exactly as for a local folder.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "daemon/content/sha256_file.h"
#include "daemon/targets/local_target.h"
#include "daemon/targets/memory_target.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

struct TargetKind {
  std::string name;
  std::function<std::unique_ptr<Target>(const std::string& root)> make;
};
void PrintTo(const TargetKind& kind, std::ostream* os) { *os << kind.name; }

class TargetContractTest : public ::testing::TestWithParam<TargetKind> {
 protected:
  void SetUp() override {
    target_ = GetParam().make(dir_.sub("dist"));
    write_file(dir_.sub("console/a.msu"), "alpha");
    write_file(dir_.sub("console/sub/b.msu"), "bravo!");
  }
  std::vector<CopyResult> write_two(const BatchCopyOptions& options = {}) {
    return target_->write_batch({{dir_.sub("console/a.msu"), "Patches/a.msu", ""},
                                 {dir_.sub("console/sub/b.msu"), "Patches/sub/b.msu", ""}},
                                options);
  }

  TempDir dir_;
  std::unique_ptr<Target> target_;
};

TEST_P(TargetContractTest, PreflightOfAMissingFolderPasses) {
  PreflightReport r = target_->preflight("Patches", 0);
  EXPECT_TRUE(r.ok()) << r.status.to_string();
}

TEST_P(TargetContractTest, AMissingFolderListsEmpty) {
  Result<Manifest> m = target_->list("Patches", nullptr);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_TRUE(m->files.empty());
}

TEST_P(TargetContractTest, ABatchLandsEveryFileAndTheListingShowsThemRelativeToTheFolder) {
  std::vector<CopyResult> results = write_two();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r.status.to_string();
  Result<Manifest> m = target_->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 2u);
  EXPECT_EQ(m->files[0].path, "a.msu");
  EXPECT_EQ(m->files[0].size, 5u);
  EXPECT_EQ(m->files[1].path, "sub/b.msu");
  struct stat st {};
  ASSERT_EQ(::stat(dir_.sub("console/a.msu").c_str(), &st), 0);
  EXPECT_EQ(m->files[0].mtime_ns,
            std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec)
      << "a copy keeps the source's mtime, so the next diff finds it up to date";
}

TEST_P(TargetContractTest, AVanishedSourceFailsAloneAndTheOthersLand) {
  std::vector<CopyResult> results =
      target_->write_batch({{dir_.sub("console/gone.msu"), "Patches/gone.msu", ""},
                            {dir_.sub("console/a.msu"), "Patches/a.msu", ""}},
                           {});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].failure, CopyFailure::kSourceVanished);
  EXPECT_TRUE(results[1].ok());
  Result<Manifest> m = target_->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].path, "a.msu");
}

TEST_P(TargetContractTest, AVerifiedBatchRefusesAWrongExpectedHash) {
  BatchCopyOptions o;
  o.verify = true;
  std::vector<CopyResult> results = target_->write_batch(
      {{dir_.sub("console/a.msu"), "Patches/a.msu", sha256_hex("not alpha")}}, o);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok());
  Result<Manifest> m = target_->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->files.empty()) << "a file that failed verification is never visible";
}

TEST_P(TargetContractTest, ACancelledBatchLandsNothing) {
  std::atomic<bool> cancel{true};
  BatchCopyOptions o;
  o.cancel = &cancel;
  for (const auto& r : write_two(o)) EXPECT_EQ(r.failure, CopyFailure::kCancelled);
  Result<Manifest> m = target_->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->files.empty());
}

TEST_P(TargetContractTest, ReadRehashesWhatIsStored) {
  ASSERT_TRUE(write_two()[0].ok());
  Result<std::string> h = target_->read_sha256("Patches/a.msu");
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(*h, sha256_hex("alpha"));
  EXPECT_EQ(target_->read_sha256("Patches/none.msu").status().code(), Status::Code::kNotFound);
}

TEST_P(TargetContractTest, RemoveDeletesExactlyTheNamedFiles) {
  ASSERT_TRUE(write_two()[1].ok());
  PruneReport r = target_->remove("Patches", {"sub/b.msu", "never-there.msu", "../escape"});
  EXPECT_EQ(r.removed, (std::vector<std::string>{"sub/b.msu", "never-there.msu"}));
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].path, "../escape");
  Result<Manifest> m = target_->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].path, "a.msu");
}

INSTANTIATE_TEST_SUITE_P(Kinds, TargetContractTest,
                         ::testing::Values(TargetKind{"Local",
                                                      [](const std::string& root) {
                                                        return std::make_unique<LocalTarget>(root);
                                                      }},
                                           TargetKind{"Memory",
                                                      [](const std::string& root) {
                                                        return std::make_unique<MemoryTarget>(root);
                                                      }}),
                         [](const ::testing::TestParamInfo<TargetKind>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace distsync::testing
