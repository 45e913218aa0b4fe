// PartialFile: the temp file a download is written to before it takes its final name.
//
// For destination `<dir>/<name>` the temp file is `<dir>/.distsync-<name>.distsync-tmp`: the
// same name on every run, so a later run finds and resumes what an interrupted one left.
// Opening hashes the bytes already there; appends extend the hash; install() syncs the file,
// renames it over the final name and syncs the directory, so the final name only ever holds a
// complete, checked file, with a mode of at most 0644 (the umask still applies). Parent
// directories are created under the destination, refusing any component that is a symlink
// or not a directory, so nothing outside it is written.
// Move-only; one thread at a time. Destroying an uninstalled PartialFile keeps the temp file.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/fetch/sha256.h"
#include "events/result.h"

namespace distsync {

// "<dir>/.distsync-<name>.distsync-tmp" for final path "<dir>/<name>".
std::string partial_path_for(const std::string& final_path);

class PartialFile {
 public:
  // Opens (creating it and missing parents if need be) the temp file for `relative_path`
  // under `dest_dir`. REQUIRES: is_safe_relative_path(relative_path).
  static Result<PartialFile> open(const std::string& dest_dir, const std::string& relative_path);

  PartialFile(PartialFile&& other) noexcept;
  PartialFile& operator=(PartialFile&&) = delete;
  PartialFile(const PartialFile&) = delete;
  ~PartialFile();

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }
  std::uint64_t size() const { return size_; }

  Status append(const char* data, std::size_t len);
  // Drops the content: back to an empty temp file.
  Status truncate();
  // Hex SHA-256 of the content. Afterwards only truncate(), install() or discard() may follow.
  std::string take_digest();
  // fsync, rename over final_path(), fsync the directory. The object is spent afterwards.
  Status install();
  // Closes and deletes the temp file. The object is spent afterwards.
  void discard();

 private:
  PartialFile(std::string final_path, std::string temp_path, std::string dir, int fd);
  Status rehash_existing();

  std::string final_path_;
  std::string temp_path_;
  std::string dir_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool digest_taken_ = false;
  Sha256 hash_;
};

// Creates the directories of `relative_path` (all but its last component) under `dest_dir`,
// which must exist. io_error naming the offending path if a component is a symlink or a file.
Status make_parent_dirs(const std::string& dest_dir, const std::string& relative_path);

}  // namespace distsync
