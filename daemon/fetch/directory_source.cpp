#include "daemon/fetch/directory_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "daemon/content/normal_path.h"
#include "daemon/content/open_beneath.h"
#include "daemon/content/sha256_file.h"
#include "daemon/fetch/retry_policy.h"

namespace distsync {
namespace {

bool reserved_name(const std::string& name) {
  return name.starts_with(".distsync-") || name.ends_with(".distsync-tmp");
}

Result<UniqueFd> open_root(const std::string& root) {
  UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) return fd;
  if (errno == ENOENT || errno == ENOTDIR) {
    return Status::not_found("download source " + root + " is not a directory");
  }
  return Status::io_error("cannot open download source " + root + ": " + std::strerror(errno));
}

// The walk of one source folder. Every entry is looked at with lstat and opened relative to
// its folder with O_NOFOLLOW, so nothing outside the root is listed, hashed or descended into.
class SourceWalk {
 public:
  SourceWalk(const std::string& root, SourceManifest* out) : root_(root), out_(out) {}

  Status walk(int dir_fd, const std::string& rel_dir) {
    int fd = ::dup(dir_fd);
    DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
    if (dir == nullptr) {
      if (fd >= 0) ::close(fd);
      return Status::io_error("cannot list " + where(rel_dir) + ": " + std::strerror(errno));
    }
    std::vector<std::string> names;
    while (struct dirent* de = ::readdir(dir)) {
      std::string name = de->d_name;
      if (name != "." && name != ".." && !reserved_name(name)) names.push_back(std::move(name));
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
      if (rel == kSourceManifestName) continue;
      if (Status s = visit(dir_fd, name, rel); !s.is_ok()) return s;
    }
    return Status::ok();
  }

 private:
  std::string where(const std::string& rel) const {
    return rel.empty() ? root_ : root_ + "/" + rel;
  }

  Status visit(int dir_fd, const std::string& name, const std::string& rel) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return Status::ok();  // removed while we walked
      return Status::io_error("cannot stat " + where(rel) + ": " + std::strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
      out_->symlinks.push_back(rel);
      return Status::ok();
    }
    if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub.get() < 0) {
        if (errno == ELOOP) {  // swapped for a symlink since the lstat
          out_->symlinks.push_back(rel);
          return Status::ok();
        }
        return Status::io_error("cannot open " + where(rel) + ": " + std::strerror(errno));
      }
      return walk(sub.get(), rel);
    }
    if (!S_ISREG(st.st_mode)) return Status::ok();  // devices, sockets, FIFOs are not content
    // O_NONBLOCK: a FIFO swapped in since the lstat must not hang the walk.
    UniqueFd file(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (file.get() < 0) {
      if (errno == ELOOP) {
        out_->symlinks.push_back(rel);
        return Status::ok();
      }
      if (errno == ENOENT) return Status::ok();
      return Status::io_error("cannot open " + where(rel) + ": " + std::strerror(errno));
    }
    if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) return Status::ok();
    Result<std::string> digest = sha256_fd(file.get(), where(rel));
    if (!digest.ok()) return digest.status();
    out_->files.push_back(
        SourceEntry{rel, static_cast<std::uint64_t>(st.st_size), std::move(digest).value()});
    return Status::ok();
  }

  const std::string& root_;
  SourceManifest* out_;
};

}  // namespace

std::string skipped_symlink_message(std::string_view rel) {
  return "skipped symlink " + printable(rel) + ": sources never follow symlinks";
}

Result<SourceManifest> build_directory_manifest(const std::string& root) {
  Result<UniqueFd> root_fd = open_root(root);
  if (!root_fd.ok()) return root_fd.status();
  SourceManifest manifest;
  SourceWalk walk(root, &manifest);
  if (Status s = walk.walk(root_fd->get(), ""); !s.is_ok()) return s;
  std::sort(manifest.files.begin(), manifest.files.end(),
            [](const SourceEntry& a, const SourceEntry& b) { return a.path < b.path; });
  std::sort(manifest.symlinks.begin(), manifest.symlinks.end());
  return manifest;
}

DirectorySource::DirectorySource(std::string root, const FetchOptions& options)
    : root_(std::move(root)), options_(options) {}

Result<SourceManifest> DirectorySource::load_manifest() {
  Result<UniqueFd> root_fd = open_root(root_);
  if (!root_fd.ok()) return root_fd.status();
  std::string path = root_ + "/" + std::string(kSourceManifestName);
  Result<UniqueFd> fd = open_beneath(root_fd->get(), kSourceManifestName, O_RDONLY | O_NONBLOCK,
                                     SymlinkPolicy::kRefuse);
  if (!fd.ok()) {
    if (fd.status().code() == Status::Code::kNotFound) return build_directory_manifest(root_);
    if (fd.status().code() == Status::Code::kInvalidArgument) {
      return Status::invalid_argument(path + " is a symlink: sources never follow symlinks");
    }
    return fd.status();
  }
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::invalid_argument(path + " is not a regular file");
  }
  std::string text;
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = ::read(fd->get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::io_error("cannot read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf.data(), static_cast<std::size_t>(n));
  }
  Result<SourceManifest> manifest = parse_source_manifest(text);
  if (!manifest.ok()) return Status::invalid_argument(path + ": " + manifest.status().message());
  return manifest;
}

ReadOutcome DirectorySource::read(const SourceEntry& entry, std::uint64_t offset,
                                  const ReadStart& on_start, const ReadChunk& on_chunk) {
  using Kind = ReadOutcome::Kind;
  std::string path = root_ + "/" + entry.path;
  Result<UniqueFd> root_fd = open_root(root_);
  if (!root_fd.ok()) return {Kind::kRetryable, root_fd.status().message()};
  // Beneath the root and through no symlink at all: checked and opened in one step.
  Result<UniqueFd> opened =
      open_beneath(root_fd->get(), entry.path, O_RDONLY | O_NONBLOCK, SymlinkPolicy::kRefuse);
  if (!opened.ok()) {
    const Status& s = opened.status();
    if (s.code() == Status::Code::kInvalidArgument) {  // "symlink <prefix>"
      return {Kind::kFailed, skipped_symlink_message(s.message().substr(8))};
    }
    // A missing file will not appear by retrying; an unreachable share might.
    Kind kind = s.code() == Status::Code::kNotFound ? Kind::kFailed : Kind::kRetryable;
    return {kind, "cannot open " + printable(path) + ": " + s.message()};
  }
  int fd = opened->get();
  struct stat st {};
  if (::fstat(fd, &st) != 0) return {Kind::kRetryable, "cannot stat " + path};
  if (!S_ISREG(st.st_mode)) return {Kind::kFailed, printable(path) + " is not a regular file"};
  if (static_cast<std::uint64_t>(st.st_size) < offset) offset = 0;  // shrank: start over
  if (Status s = on_start(offset); !s.is_ok()) return {Kind::kFailed, s.message()};
  std::vector<char> buf(1 << 20);
  std::uint64_t pos = offset;
  for (;;) {
    if (is_cancelled(options_)) return {Kind::kCancelled, "cancelled"};
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
    if (n < 0) {
      if (errno == EINTR) continue;
      return {Kind::kRetryable, "cannot read " + path + ": " + std::strerror(errno)};
    }
    if (n == 0) return {};
    if (Status s = on_chunk(buf.data(), static_cast<std::size_t>(n)); !s.is_ok()) {
      return {Kind::kFailed, s.message()};
    }
    pos += static_cast<std::uint64_t>(n);
  }
}

}  // namespace distsync
