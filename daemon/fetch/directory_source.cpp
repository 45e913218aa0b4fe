#include "daemon/content/sha256_file.h"
#include "daemon/fetch/directory_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "daemon/fetch/retry_policy.h"
#include "daemon/fetch/sha256.h"

namespace distsync {
namespace fs = std::filesystem;
namespace {

bool reserved_name(const std::string& name) {
  return name.starts_with(".distsync-") || name.ends_with(".distsync-tmp");
}

}  // namespace

Result<SourceManifest> build_directory_manifest(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::not_found("download source " + root + " is not a directory");
  }
  std::vector<std::string> paths;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) return Status::io_error("cannot list " + root + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::io_error("cannot list " + root + ": " + ec.message());
    const fs::directory_entry& de = *it;
    if (reserved_name(de.path().filename().string())) {
      if (de.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!de.is_regular_file(ec)) continue;
    std::string rel = de.path().lexically_relative(root).generic_string();
    if (rel == kSourceManifestName) continue;
    paths.push_back(std::move(rel));
  }
  if (ec) return Status::io_error("cannot list " + root + ": " + ec.message());
  std::sort(paths.begin(), paths.end());

  SourceManifest manifest;
  for (std::string& rel : paths) {
    std::string full = (fs::path(root) / rel).string();
    Result<std::string> digest = sha256_file(full);
    if (!digest.ok()) return digest.status();
    std::uint64_t size = fs::file_size(full, ec);
    if (ec) return Status::io_error("cannot stat " + full + ": " + ec.message());
    manifest.files.push_back(SourceEntry{std::move(rel), size, std::move(digest).value()});
  }
  return manifest;
}

DirectorySource::DirectorySource(std::string root, const FetchOptions& options)
    : root_(std::move(root)), options_(options) {}

Result<SourceManifest> DirectorySource::load_manifest() {
  std::string path = (fs::path(root_) / kSourceManifestName).string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return build_directory_manifest(root_);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::io_error("cannot read " + path);
  Result<SourceManifest> manifest = parse_source_manifest(text.str());
  if (!manifest.ok()) return Status::invalid_argument(path + ": " + manifest.status().message());
  return manifest;
}

ReadOutcome DirectorySource::read(const SourceEntry& entry, std::uint64_t offset,
                                  const ReadStart& on_start, const ReadChunk& on_chunk) {
  using Kind = ReadOutcome::Kind;
  std::string path = (fs::path(root_) / entry.path).string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // A missing file will not appear by retrying; an unreachable share might.
    Kind kind = errno == ENOENT ? Kind::kFailed : Kind::kRetryable;
    return {kind, "cannot open " + path + ": " + std::strerror(errno)};
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return {Kind::kRetryable, "cannot stat " + path};
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
