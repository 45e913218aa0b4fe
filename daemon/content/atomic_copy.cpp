#include "daemon/content/atomic_copy.h"
#include "daemon/content/copy_failure_errno.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "daemon/content/buffer_pool.h"
#include "daemon/content/direct_io.h"
#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"

namespace distsync {

CopyFailure classify_target_errno(int err) {
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return CopyFailure::kNoSpace;
    case EACCES:
    case EPERM:
    case EROFS:
      return CopyFailure::kPermissionDenied;
    default:
      return CopyFailure::kIOError;
  }
}

namespace {

constexpr int kTempNameAttempts = 16;
// Below this size a file is written in one go: no space reservation, no readahead advice
// (each a syscall that buys nothing for a file the page cache takes whole).
constexpr std::uint64_t kSmallFileBytes = 1 << 20;
// The user-space buffer when bytes pass through it (hashing, or no copy_file_range).
constexpr std::size_t kCopyBufferBytes = 1 << 20;
static_assert(kBufferAlign % kDirectAlign == 0, "a lent buffer must do for O_DIRECT");

std::int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // Closes now and reports close(2)'s error, which on network file systems can be the first
  // sign that written data did not make it.
  int close_checked() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// One copy in progress: the paths, the descriptors, and the temp to remove unless published.
class Copier {
 public:
  // `known_dirs`, when given, remembers the folders already made (shared by one batch).
  Copier(const std::string& source, const std::string& target, const CopyOptions& options,
         std::set<std::string>* known_dirs = nullptr)
      : source_(source),
        target_(target),
        dir_(parent_dir(target)),
        options_(options),
        known_dirs_(known_dirs) {}

  ~Copier() {
    if (!temp_.empty()) ::unlink(temp_.c_str());
  }

  CopyResult run() {
    if (prepare(TempSync::kFsync)) publish(options_.sync_dir);
    return std::move(result_);
  }

  // How prepare() makes the temp's data durable before the rename.
  enum class TempSync { kFsync, kFdatasync, kNone };

  // Writes, checks and closes the temp, with the source's mode and times. False (result set,
  // temp removed on destruction) on failure. With kNone the caller must make the temp durable
  // (syncfs) before publish().
  bool prepare(TempSync sync) {
    if (!open_source() || !create_temp() || !copy_bytes() || !check_source_unchanged()) {
      return false;
    }
    if (options_.verify && !verify()) return false;
    if (result_.sha256.empty()) result_.sha256 = streamed_sha256_;
    // Permissions are best effort: some shares do not keep Unix modes.
    (void)::fchmod(tmp_.get(), src_st_.st_mode & 0777);
    // Times before the sync, so a crash cannot leave a published file with a fresh mtime.
    const struct timespec times[2] = {src_st_.st_atim, src_st_.st_mtim};
    if (::futimens(tmp_.get(), times) != 0) return fail_target("cannot set mtime", errno);
    if (sync == TempSync::kFsync && ::fsync(tmp_.get()) != 0) {
      return fail_target("cannot fsync temp file", errno);
    }
    if (sync == TempSync::kFdatasync && ::fdatasync(tmp_.get()) != 0) {
      return fail_target("cannot fdatasync temp file", errno);
    }
    src_.reset();
    if (tmp_.close_checked() != 0) return fail_target("cannot close temp file", errno);
    return true;
  }

  // Renames the prepared temp over the target; fsyncs the folder when `sync_dir`.
  bool publish(bool sync_dir) {
    if (cancelled()) return fail(CopyFailure::kCancelled, "cancelled");
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      return fail_target("cannot rename temp file into place", errno);
    }
    temp_.clear();  // published: nothing to remove any more
    if (!sync_dir) return true;
    Status synced = fsync_dir(dir_);
    if (!synced.is_ok()) return fail(CopyFailure::kIOError, synced.message());
    return true;
  }

  // Publishes the prepared temp as one file of a batch, without the folder fsync (the batch
  // syncs each folder once). A new file is published with renameat2(RENAME_NOREPLACE),
  // which cannot replace anything. When a file is already there, it is first linked to a
  // keeper name beside it (added to `keepers`, which the caller unlinks after the folder
  // sync), so the rename does not drop the old file's last link: ext4 frees the blocks of a
  // file whose last link goes inside rename(2), with the folder locked, and on a file system
  // mounted with online discard that is a synchronous discard per file, so the renames of
  // every batch into one folder queued behind each other (50 renames took 230 ms). unlink(2)
  // frees them after it has let go of the folder. A keeper left by a crash is a temp: never
  // listed, removed by the sweep. A file system without RENAME_NOREPLACE takes the same path
  // as a replacement.
  bool publish_in_batch(std::vector<std::string>* keepers) {
    if (cancelled()) return fail(CopyFailure::kCancelled, "cancelled");
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) ==
        0) {
      temp_.clear();
      return true;
    }
    const int err = errno;
    if (err != EEXIST && err != EINVAL && err != ENOSYS) {
      return fail_target("cannot rename temp file into place", err);
    }
    std::string keeper = join_path(dir_, random_temp_name());
    if (::link(target_.c_str(), keeper.c_str()) == 0) keepers->push_back(std::move(keeper));
    return publish(/*sync_dir=*/false);
  }

  // Gives up a prepared copy (its temp is removed on destruction).
  void abandon(CopyFailure failure, const std::string& cause) { fail(failure, cause); }

  const std::string& temp() const { return temp_; }
  const std::string& dir() const { return dir_; }
  CopyResult take_result() { return std::move(result_); }

 private:
  bool fail(CopyFailure failure, const std::string& cause) {
    static constexpr const char* kFix[] = {
        "",
        "; free space on the target or raise its quota",
        "; grant distsyncd's account access or run it as a user that has it",
        "; the file was removed from the console, rebuild the manifest",
        "",
        "",
    };
    result_.failure = failure;
    std::string msg = "cannot copy " + source_ + " to " + target_ + ": " + cause +
                      kFix[static_cast<int>(failure)];
    switch (failure) {
      case CopyFailure::kSourceVanished:
        result_.status = Status::not_found(msg);
        break;
      case CopyFailure::kCancelled:
        result_.status =
            Status::unavailable("copy of " + source_ + " to " + target_ + " cancelled");
        break;
      default:
        result_.status = Status::io_error(msg);
    }
    return false;
  }

  bool fail_target(const char* step, int err) {
    return fail(classify_target_errno(err), std::string(step) + ": " + std::strerror(err));
  }

  bool cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed);
  }

  bool open_source() {
    // O_NOFOLLOW: sources never follow symlinks (the manifest walk skips them), so a
    // symlink here was swapped in after the sync was planned and is refused, not copied.
    src_.reset(::open(source_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (src_.get() < 0) {
      int err = errno;
      if (err == ENOENT) return fail(CopyFailure::kSourceVanished, "source does not exist");
      if (err == ELOOP) {
        return fail(CopyFailure::kIOError,
                    "source is now a symbolic link (sources never follow symlinks); not copied");
      }
      return fail(
          err == EACCES || err == EPERM ? CopyFailure::kPermissionDenied : CopyFailure::kIOError,
          std::string("cannot open source: ") + std::strerror(err));
    }
    if (::fstat(src_.get(), &src_st_) != 0) {
      return fail(CopyFailure::kIOError, std::string("cannot stat source: ") + strerror(errno));
    }
    if (!S_ISREG(src_st_.st_mode)) return fail(CopyFailure::kIOError, "source is not a file");
    if (options_.has_expected_stamp &&
        (static_cast<std::uint64_t>(src_st_.st_size) != options_.expected_size ||
         mtime_ns_of(src_st_) != options_.expected_mtime_ns)) {
      return fail(CopyFailure::kIOError,
                  "source changed since the sync was planned; run the sync again");
    }
    if (static_cast<std::uint64_t>(src_st_.st_size) >= kSmallFileBytes) {
      ::posix_fadvise(src_.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    return true;
  }

  bool create_temp() {
    if (known_dirs_ == nullptr || known_dirs_->count(dir_) == 0) {
      int err = 0;
      Status dirs = make_dirs_durable(dir_, &err);
      if (!dirs.is_ok()) {
        return fail(classify_target_errno(err), "cannot create target folder: " + dirs.message());
      }
      if (known_dirs_ != nullptr) known_dirs_->insert(dir_);
    }
    for (int attempt = 0; attempt < kTempNameAttempts; ++attempt) {
      std::string temp = join_path(dir_, random_temp_name());
      int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) {
        tmp_.reset(fd);
        temp_ = std::move(temp);
        break;
      }
      if (errno != EEXIST) return fail_target("cannot create temp file", errno);
    }
    if (temp_.empty()) return fail(CopyFailure::kIOError, "cannot find a free temp name");
    // Reserve the space up front so a full target fails now, not after most of the copy.
    if (static_cast<std::uint64_t>(src_st_.st_size) >= kSmallFileBytes &&
        ::fallocate(tmp_.get(), 0, 0, src_st_.st_size) != 0 && errno != EOPNOTSUPP &&
        errno != ENOSYS && errno != EINVAL) {
      return fail_target("cannot reserve space", errno);
    }
    return true;
  }

  bool hashing() const { return options_.hash_while_copying && options_.expected_sha256.empty(); }

  bool copy_bytes() {
    const std::uint64_t size = static_cast<std::uint64_t>(src_st_.st_size);
    if (options_.direct_io && size > 0 && size >= options_.direct_min_bytes) {
      switch (copy_bytes_direct()) {
        case Direct::kDone:
          return true;
        case Direct::kFailed:
          return false;
        case Direct::kUnsupported:
          break;  // nothing written yet: buffered, from the start
      }
    }
    std::uint64_t chunk = std::max<std::uint64_t>(options_.chunk_bytes, 4096);
    if (options_.limiter != nullptr) chunk = options_.limiter->chunk_bytes(chunk);
    // Hashing reads the bytes through user space anyway, so they are written from there too:
    // one read of the source for both.
    const bool hash = hashing();
    bool use_cfr = options_.use_copy_file_range && !hash;
    std::optional<Sha256Stream> sha;
    if (hash) sha.emplace();
    BufferLease buffer;  // from the pool on first use, back to it when the file is done
    std::uint64_t done = 0;
    while (done < size) {
      if (cancelled()) return fail(CopyFailure::kCancelled, "cancelled");
      std::uint64_t want = std::min(chunk, size - done);
      if (options_.limiter != nullptr && !options_.limiter->acquire(want, options_.cancel)) {
        return fail(CopyFailure::kCancelled, "cancelled");
      }
      std::uint64_t chunk_done = 0;
      while (chunk_done < want) {
        ssize_t n;
        if (use_cfr) {
          off_t in = static_cast<off_t>(done + chunk_done), out = in;
          n = ::copy_file_range(src_.get(), &in, tmp_.get(), &out, want - chunk_done, 0);
          if (n < 0 &&
              (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
            use_cfr = false;  // not supported between these file systems: plain copy
            continue;
          }
        } else {
          if (!buffer) buffer = lend_buffer(kCopyBufferBytes);
          if (!buffer) return fail(CopyFailure::kIOError, "cannot allocate a copy buffer");
          std::size_t len = std::min<std::uint64_t>(want - chunk_done, buffer.size());
          off_t at = static_cast<off_t>(done + chunk_done);
          n = ::pread(src_.get(), buffer.data(), len, at);
          if (n < 0 && errno != EINTR) {
            return fail(CopyFailure::kIOError,
                        std::string("cannot read source: ") + std::strerror(errno));
          }
          if (n > 0) {
            if (sha) sha->update(buffer.data(), static_cast<std::size_t>(n));
            if (!write_all(buffer.data(), static_cast<std::size_t>(n), at)) return false;
          }
        }
        if (n < 0) {
          if (errno == EINTR) continue;
          return fail_target("copy failed", errno);
        }
        if (n == 0) {
          return fail(CopyFailure::kIOError, "source shrank during the copy; retry");
        }
        chunk_done += static_cast<std::uint64_t>(n);
      }
      // Start a big file's writeback now, so the barrier finds it (mostly) on the disk. A
      // hint: a file system without it just writes back later. A small file is left to the
      // batch's syncfs, which writes thousands of them back in one pass: started one by one,
      // each costs a syscall and, on a virtual disk, a request of its own.
      if (size >= kSmallFileBytes) {
        (void)::sync_file_range(tmp_.get(), static_cast<off_t>(done),
                                static_cast<off_t>(chunk_done), SYNC_FILE_RANGE_WRITE);
      }
      done += chunk_done;
      result_.bytes = done;
      if (options_.written != nullptr) {
        options_.written->fetch_add(chunk_done, std::memory_order_relaxed);
      }
    }
    if (sha) streamed_sha256_ = sha->finish_hex();
    return true;
  }

  enum class Direct { kDone, kFailed, kUnsupported };

  Direct give_up(CopyFailure failure, const std::string& cause) {
    fail(failure, cause);
    return Direct::kFailed;
  }

  // copy_bytes past the page cache (direct_io.h): the source is read into this thread's
  // aligned buffer, hashed there when hashing(), and written from it with O_DIRECT. The temp
  // stays open buffered as tmp_ for its mode, times, barrier and verify; nothing is written
  // through tmp_, so the two descriptors never hold different bytes for one range.
  Direct copy_bytes_direct() {
    BufferLease lease = lend_buffer(kDirectBufferBytes);
    if (!lease) return Direct::kUnsupported;
    char* buffer = lease.data();
    Fd out(open_direct(temp_));
    if (out.get() < 0) return Direct::kUnsupported;  // EINVAL: no O_DIRECT on this file system
    const std::uint64_t size = static_cast<std::uint64_t>(src_st_.st_size);
    std::uint64_t chunk = std::max<std::uint64_t>(options_.chunk_bytes, kDirectAlign);
    if (options_.limiter != nullptr) chunk = options_.limiter->chunk_bytes(chunk);
    chunk = align_up(chunk, kDirectAlign);  // every write but the last starts aligned
    std::optional<Sha256Stream> sha;
    if (hashing()) sha.emplace();
    std::uint64_t done = 0;
    while (done < size) {
      if (cancelled()) return give_up(CopyFailure::kCancelled, "cancelled");
      std::uint64_t want = std::min(chunk, size - done);
      if (options_.limiter != nullptr && !options_.limiter->acquire(want, options_.cancel)) {
        return give_up(CopyFailure::kCancelled, "cancelled");
      }
      for (std::uint64_t chunk_done = 0; chunk_done < want;) {
        const std::size_t len = std::min<std::uint64_t>(want - chunk_done, kDirectBufferBytes);
        const off_t at = static_cast<off_t>(done + chunk_done);
        for (std::size_t got = 0; got < len;) {
          ssize_t n = ::pread(src_.get(), buffer + got, len - got, at + static_cast<off_t>(got));
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) {
            return give_up(CopyFailure::kIOError,
                           std::string("cannot read source: ") + std::strerror(errno));
          }
          if (n == 0) {
            return give_up(CopyFailure::kIOError, "source shrank during the copy; retry");
          }
          got += static_cast<std::size_t>(n);
        }
        if (sha) sha->update(buffer, len);
        if (int err = write_direct(out.get(), buffer, len, at); err != 0) {
          if (err == EINVAL && at == 0) return Direct::kUnsupported;  // alignment refused
          fail_target("cannot write temp file", err);
          return Direct::kFailed;
        }
        chunk_done += len;
      }
      done += want;
      result_.bytes = done;
      if (options_.written != nullptr) options_.written->fetch_add(want, std::memory_order_relaxed);
    }
    // The last piece was padded to the alignment: cut the file back to the source's size.
    if (size % kDirectAlign != 0 && ::ftruncate(out.get(), static_cast<off_t>(size)) != 0) {
      fail_target("cannot truncate temp file", errno);
      return Direct::kFailed;
    }
    if (out.close_checked() != 0) {
      fail_target("cannot close temp file", errno);
      return Direct::kFailed;
    }
    if (sha) streamed_sha256_ = sha->finish_hex();
    return Direct::kDone;
  }

  bool write_all(const char* p, std::size_t len, off_t at) {
    while (len > 0) {
      ssize_t w = ::pwrite(tmp_.get(), p, len, at);
      if (w < 0) {
        if (errno == EINTR) continue;
        return fail_target("cannot write temp file", errno);
      }
      p += w;
      at += w;
      len -= static_cast<std::size_t>(w);
    }
    return true;
  }

  bool check_source_unchanged() {
    struct stat now;
    if (::stat(source_.c_str(), &now) != 0) {
      if (errno == ENOENT) return fail(CopyFailure::kSourceVanished, "source removed during copy");
      return fail(CopyFailure::kIOError, std::string("cannot stat source: ") + strerror(errno));
    }
    if (now.st_ino != src_st_.st_ino || now.st_dev != src_st_.st_dev ||
        now.st_size != src_st_.st_size || now.st_mtim.tv_sec != src_st_.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != src_st_.st_mtim.tv_nsec) {
      return fail(CopyFailure::kIOError, "source changed during the copy; retry");
    }
    return true;
  }

  bool verify() {
    Result<std::string> got = sha256_fd(tmp_.get(), temp_, options_.cancel);
    if (!got.ok()) {
      if (cancelled()) return fail(CopyFailure::kCancelled, "cancelled");
      return fail(CopyFailure::kIOError, "cannot verify: " + got.status().message());
    }
    std::string want = options_.expected_sha256;
    if (want.empty()) want = streamed_sha256_;  // the source's bytes, hashed as copied
    if (want.empty()) {
      Result<std::string> src = sha256_fd(src_.get(), source_, options_.cancel);
      if (!src.ok()) {
        if (cancelled()) return fail(CopyFailure::kCancelled, "cancelled");
        return fail(CopyFailure::kIOError, "cannot hash source: " + src.status().message());
      }
      want = std::move(src.value());
    }
    if (*got != want) {
      return fail(CopyFailure::kIOError,
                  "verification failed: copy has sha256 " + *got + ", expected " + want);
    }
    result_.sha256 = std::move(got.value());
    return true;
  }

  const std::string& source_;
  const std::string& target_;
  const std::string dir_;
  const CopyOptions& options_;
  std::set<std::string>* known_dirs_;
  Fd src_;
  Fd tmp_;
  struct stat src_st_ {};
  std::string temp_;
  std::string streamed_sha256_;  // the hash taken while copying, when hashing()
  CopyResult result_;
};

// The folder's entry type (readdir's d_type) decides without a stat: only a folder, a name
// that ends in the temp suffix, or an entry whose type the file system does not report costs
// an lstat. A re-sync sweeps every target folder once, and an lstat per file was a third
// walk of the tree (20,000 stats on "many") after the plan's two.
Status sweep(const std::string& dir, std::size_t* removed) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::ok();
    return Status::io_error("cannot read " + dir + ": " + std::strerror(errno));
  }
  std::vector<std::string> names;
  while (struct dirent* de = ::readdir(d)) {
    std::string_view name = de->d_name;
    if (name == "." || name == "..") continue;
    const bool candidate = de->d_type == DT_DIR || de->d_type == DT_UNKNOWN ||
                           (de->d_type == DT_REG && name.ends_with(kTempSuffix));
    if (candidate) names.emplace_back(name);
  }
  ::closedir(d);
  Status first = Status::ok();
  for (const std::string& name : names) {
    std::string path = join_path(dir, name);
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    Status s = Status::ok();
    if (S_ISDIR(st.st_mode)) {
      s = sweep(path, removed);
    } else if (S_ISREG(st.st_mode) && name.ends_with(kTempSuffix)) {
      if (::unlink(path.c_str()) == 0) {
        ++*removed;
      } else if (errno != ENOENT) {
        s = Status::io_error("cannot remove stale temp " + path + ": " + std::strerror(errno));
      }
    }
    if (!s.is_ok() && first.is_ok()) first = s;
  }
  return first;
}

}  // namespace

std::string_view copy_failure_name(CopyFailure failure) {
  switch (failure) {
    case CopyFailure::kNone:
      return "none";
    case CopyFailure::kNoSpace:
      return "no_space";
    case CopyFailure::kPermissionDenied:
      return "permission_denied";
    case CopyFailure::kSourceVanished:
      return "source_vanished";
    case CopyFailure::kIOError:
      return "io_error";
    case CopyFailure::kCancelled:
      return "cancelled";
  }
  return "io_error";
}

CopyResult copy_file_atomic(const std::string& source, const std::string& target,
                            const CopyOptions& options) {
  return Copier(source, target, options).run();
}

std::vector<CopyResult> copy_files_atomic(const std::vector<CopyRequest>& requests,
                                          const BatchCopyOptions& options) {
  auto cancelled = [&] {
    return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
  };
  std::vector<CopyOptions> per_file(requests.size());
  std::vector<std::unique_ptr<Copier>> copiers;
  copiers.reserve(requests.size());
  std::vector<bool> prepared(requests.size(), false);
  std::set<std::string> known_dirs;  // target folders already made by this batch
  const Copier::TempSync temp_sync = options.sync == BatchSync::kFdatasync
                                         ? Copier::TempSync::kFdatasync
                                         : Copier::TempSync::kNone;
  using Clock = std::chrono::steady_clock;
  auto lap = [t = Clock::now()](std::int64_t* into) mutable {
    Clock::time_point now = Clock::now();
    if (into != nullptr)
      *into += std::chrono::duration_cast<std::chrono::nanoseconds>(now - t).count();
    t = now;
  };
  BatchTimings* timings = options.timings;
  // 1. Write every temp; nothing is visible under a final name yet.
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CopyOptions& o = per_file[i];
    o.verify = options.verify;
    o.expected_sha256 = requests[i].expected_sha256;
    o.limiter = options.limiter;
    o.cancel = options.cancel;
    o.use_copy_file_range = options.use_copy_file_range;
    o.direct_io = options.direct_io;
    o.direct_min_bytes = options.direct_min_bytes;
    o.chunk_bytes = options.chunk_bytes;
    o.written = options.written;
    o.hash_while_copying = options.hash_while_copying;
    o.has_expected_stamp = requests[i].has_stamp;
    o.expected_size = requests[i].size;
    o.expected_mtime_ns = requests[i].mtime_ns;
    copiers.push_back(
        std::make_unique<Copier>(requests[i].source, requests[i].target, o, &known_dirs));
    if (cancelled()) {
      copiers[i]->abandon(CopyFailure::kCancelled, "cancelled");
      continue;
    }
    prepared[i] = copiers[i]->prepare(temp_sync);
  }
  lap(timings ? &timings->write_ns : nullptr);
  // 2. One durability barrier per target file system.
  if (options.sync == BatchSync::kSyncfs) {
    std::map<dev_t, Status> synced;           // file system -> outcome of its syncfs
    std::map<std::string, Status> by_folder;  // a temp lives on its folder's file system
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (!prepared[i]) continue;
      if (auto f = by_folder.find(copiers[i]->dir()); f != by_folder.end()) {
        if (!f->second.is_ok()) {
          copiers[i]->abandon(CopyFailure::kIOError, f->second.message());
          prepared[i] = false;
        }
        continue;
      }
      struct stat st;
      Status s = Status::ok();
      if (::stat(copiers[i]->dir().c_str(), &st) != 0) {
        s = Status::io_error(std::string("cannot stat target folder: ") + std::strerror(errno));
      } else if (auto it = synced.find(st.st_dev); it != synced.end()) {
        s = it->second;
      } else {
        Fd fd(::open(copiers[i]->dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fd.get() < 0 || ::syncfs(fd.get()) != 0) {
          s = Status::io_error(std::string("cannot sync the target file system: ") +
                               std::strerror(errno));
        }
        synced.emplace(st.st_dev, s);
      }
      by_folder.emplace(copiers[i]->dir(), s);
      if (!s.is_ok()) {
        copiers[i]->abandon(CopyFailure::kIOError, s.message());
        prepared[i] = false;
      }
    }
  }
  lap(timings ? &timings->barrier_ns : nullptr);
  // 3. Rename into place, then make each folder's new entries durable once.
  std::map<std::string, std::vector<std::size_t>> by_dir;
  std::vector<std::string> keepers;  // the replaced files, unlinked after the folder syncs
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!prepared[i]) continue;
    if (copiers[i]->publish_in_batch(&keepers)) by_dir[copiers[i]->dir()].push_back(i);
  }
  lap(timings ? &timings->rename_ns : nullptr);
  for (const auto& [dir, members] : by_dir) {
    Status s = fsync_dir(dir);
    if (s.is_ok()) continue;
    for (std::size_t i : members) copiers[i]->abandon(CopyFailure::kIOError, s.message());
  }
  lap(timings ? &timings->dir_sync_ns : nullptr);
  for (const std::string& keeper : keepers) (void)::unlink(keeper.c_str());
  std::vector<CopyResult> out;
  out.reserve(requests.size());
  for (auto& c : copiers) out.push_back(c->take_result());
  return out;
}

Result<std::size_t> remove_stale_temps(const std::string& dir) {
  std::size_t removed = 0;
  Status s = sweep(dir, &removed);
  if (!s.is_ok()) return s;
  return removed;
}

}  // namespace distsync
