// Small POSIX helpers for crash-safe file system changes: fsync of a directory, creation of
// missing directories whose entries are made durable, temp names, and whole-file atomic
// writes (temp + fsync + rename + fsync of the directory).
//
// Stateless; thread-safe. Error messages name the path and the errno text.
#pragma once

#include <string>
#include <string_view>

#include "events/status.h"

namespace distsync {

// ".distsync-<16 random hex digits>.distsync-tmp": unique enough to create with O_EXCL and
// retry, and recognised by is_temp_name so no manifest ever lists it.
std::string random_temp_name();

// The directory part of `path` ("." when it has none).
std::string parent_dir(std::string_view path);

// fsync(2) on the directory `dir`, so renames and creations inside it survive a crash.
Status fsync_dir(const std::string& dir);

// Creates `dir` and any missing ancestors (mode 0755 before umask), fsyncing the parent of
// every directory it creates. Ok when `dir` already is a directory. `*first_errno`, when
// given, receives the errno of the failure (0 on success).
Status make_dirs_durable(const std::string& dir, int* first_errno = nullptr);

// Replaces the file at `path` with `data` atomically: readers see the old or the new content,
// never a mix, even across a crash.
Status write_file_atomic(const std::string& path, std::string_view data);

// Replaces the file at `path` with `data` atomically for readers (temp + rename), without
// fsync: after a crash the file may be the old one, the new one, or torn. Only for files that
// check themselves and are safe to lose (the hash cache: a torn one fails its checksum and
// is ignored, which costs a re-hash, never a wrong skip).
Status write_file_replace(const std::string& path, std::string_view data);

}  // namespace distsync
