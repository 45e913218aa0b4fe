// DirectorySource: a download source that is a local (or mounted) directory.
//
// Its manifest is `distsync-manifest.json` at the root when present; otherwise it is built by
// walking the directory and hashing every regular file, skipping the names fetchers reserve
// (".distsync-*" and "*.distsync-tmp") so a directory that is itself a fetch destination can
// serve as a source. Reads only; thread-compatible.
//
// Symlink policy: a source never follows a symlink, wherever it points (docs/downloads.md).
// The walk lists symlinks in SourceManifest::symlinks instead of following them, and every
// file (and the manifest itself) is opened beneath the root with no symlink allowed on the
// way (open_beneath, kRefuse), so a manifest entry that names one, or a symlink swapped in
// after the listing, is refused too: "skipped symlink X: sources never follow symlinks".
// The root itself is the operator's choice and may be reached through a symlink.
#pragma once

#include <string>

#include "daemon/fetch/source.h"

namespace distsync {

// The manifest of the files under `root`, in path order, with the symlinks it skipped.
// io_error naming the path if the walk or a read fails; not_found if `root` is not a
// directory.
Result<SourceManifest> build_directory_manifest(const std::string& root);

// "skipped symlink <rel>: sources never follow symlinks", with rel shown escaped.
std::string skipped_symlink_message(std::string_view rel);

class DirectorySource final : public Source {
 public:
  // `options` (and its cancel flag) must outlive this source.
  DirectorySource(std::string root, const FetchOptions& options);

  Result<SourceManifest> load_manifest() override;
  ReadOutcome read(const SourceEntry& entry, std::uint64_t offset, const ReadStart& on_start,
                   const ReadChunk& on_chunk) override;
  const std::string& describe() const override { return root_; }

 private:
  std::string root_;
  const FetchOptions& options_;
};

}  // namespace distsync
