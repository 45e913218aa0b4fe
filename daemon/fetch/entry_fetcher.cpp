#include "daemon/content/sha256_file.h"
#include "daemon/fetch/entry_fetcher.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "daemon/fetch/partial_file.h"
#include "daemon/fetch/retry_policy.h"
#include "daemon/fetch/sha256.h"

namespace distsync {
namespace {

std::string join(const std::string& dir, const std::string& rel) {
  return dir.empty() || dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

// Why a completed read does not match the manifest; empty if it does.
std::string mismatch(PartialFile& file, const SourceEntry& entry) {
  if (file.size() != entry.size) {
    return "size mismatch: received " + std::to_string(file.size()) + " bytes, manifest says " +
           std::to_string(entry.size);
  }
  std::string digest = file.take_digest();
  if (digest != entry.sha256) {
    return "SHA-256 mismatch: received " + digest + ", manifest says " + entry.sha256;
  }
  return "";
}

}  // namespace

Result<bool> destination_is_current(const std::string& dest_dir, const SourceEntry& entry) {
  std::string path = join(dest_dir, entry.path);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return Status::io_error("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != entry.size) return false;
  Result<std::string> digest = sha256_file(path);
  if (!digest.ok()) return digest.status();
  return *digest == entry.sha256;
}

Result<EntryFetch> fetch_entry(Source& source, const SourceEntry& entry,
                               const std::string& dest_dir, const FetchOptions& options,
                               const EntryProgress& on_bytes) {
  if (Status s = check_source_entry(entry); !s.is_ok()) return s;
  // Parents first: it refuses symlinked components before anything below is read or written.
  if (Status s = make_parent_dirs(dest_dir, entry.path); !s.is_ok()) return s;
  EntryFetch result;
  Result<bool> current = destination_is_current(dest_dir, entry);
  if (!current.ok()) return current.status();
  if (*current) {
    result.skipped = true;
    if (on_bytes) on_bytes(entry.size);
    return result;
  }
  Result<PartialFile> opened = PartialFile::open(dest_dir, entry.path);
  if (!opened.ok()) return opened.status();
  PartialFile& file = opened.value();

  const int max_attempts = std::max(1, options.max_attempts);
  bool restarted_after_mismatch = false;
  bool skip_wait = false;
  std::string last_error = "no attempt made";
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    if (attempt > 1 && !skip_wait && !wait_before_retry(options, attempt - 1)) break;
    skip_wait = false;
    if (is_cancelled(options)) break;
    result.attempts = attempt;
    if (file.size() > entry.size) {
      if (Status s = file.truncate(); !s.is_ok()) return s;
    }
    bool resumed_now = file.size() > 0;
    std::string bad;  // why the received bytes do not match the manifest
    if (file.size() < entry.size) {
      Status overflow;  // the source sent more than the manifest's size
      Status local;     // we could not write what it sent
      ReadOutcome outcome = source.read(
          entry, file.size(),
          [&](std::uint64_t start) -> Status {
            resumed_now = start > 0;
            if (start == file.size()) return Status::ok();
            DISTSYNC_CHECK(start == 0);  // the source ignored the range: take it from the top
            local = file.truncate();
            return local;
          },
          [&](const char* data, std::size_t len) -> Status {
            if (file.size() + len > entry.size) {
              overflow =
                  Status::corruption("size mismatch: source has more than the " +
                                     std::to_string(entry.size) + " bytes the manifest says");
              return overflow;
            }
            local = file.append(data, len);
            if (!local.is_ok()) return local;
            result.bytes_transferred += len;
            if (on_bytes) on_bytes(file.size());
            return Status::ok();
          });
      if (outcome.kind == ReadOutcome::Kind::kCancelled) break;
      if (outcome.kind == ReadOutcome::Kind::kRetryable) {
        last_error = outcome.message;
        if (outcome.range_refused) {
          if (Status s = file.truncate(); !s.is_ok()) return s;
        }
        continue;
      }
      if (outcome.kind == ReadOutcome::Kind::kFailed) {
        if (overflow.is_ok()) {
          file.discard();  // nothing worth resuming: the source cannot serve it, or we cannot write
          if (!local.is_ok()) return local;
          return Status::unavailable(outcome.message);
        }
        bad = overflow.message();
      }
    }
    if (bad.empty()) bad = mismatch(file, entry);
    if (bad.empty()) {
      if (Status s = file.install(); !s.is_ok()) {
        file.discard();
        return s;
      }
      result.resumed = resumed_now;
      return result;
    }
    if (resumed_now && !restarted_after_mismatch) {
      // The kept prefix may predate a change at the source: one more try from zero.
      restarted_after_mismatch = true;
      if (Status s = file.truncate(); !s.is_ok()) return s;
      --attempt;
      skip_wait = true;
      continue;
    }
    file.discard();
    return Status::corruption(bad);
  }
  if (is_cancelled(options)) return Status::unavailable("cancelled");
  if (file.size() == 0) {
    file.discard();  // nothing to resume
    return Status::unavailable(last_error + " (gave up after " + std::to_string(max_attempts) +
                               " attempts)");
  }
  return Status::unavailable(last_error + " (gave up after " + std::to_string(max_attempts) +
                             " attempts; " + file.temp_path() + " is kept to resume)");
}

}  // namespace distsync
