#include "daemon/targets/smb_target.h"

#include "daemon/content/copy_failure_errno.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include <openssl/evp.h>

#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"
#include "daemon/targets/smb_context.h"
#include "daemon/targets/smb_library.h"

namespace distsync {
namespace {

// Reads and writes: up to Samba's default SMB2 max write (8 MiB); libsmbclient splits a
// larger one into what the server negotiated. Fewer, larger requests for big files.
constexpr std::size_t kMinChunk = 64 << 10;
constexpr std::size_t kMaxChunk = 8 << 20;

std::string parent(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

std::string sibling(const std::string& rel, const std::string& name) {
  std::string dir = parent(rel);
  return dir.empty() ? name : dir + "/" + name;
}

std::string hex(const unsigned char* d, unsigned n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(digits[d[i] >> 4]);
    out.push_back(digits[d[i] & 15]);
  }
  return out;
}

struct Hasher {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Hasher() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Hasher() { EVP_MD_CTX_free(ctx); }
  void update(const void* d, std::size_t n) { EVP_DigestUpdate(ctx, d, n); }
  std::string hex_digest() {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(ctx, d, &n);
    return hex(d, n);
  }
};

CopyResult failed(CopyFailure f, std::string message) {
  CopyResult r;
  r.failure = f;
  r.status = f == CopyFailure::kCancelled ? Status::unavailable(std::move(message))
             : f == CopyFailure::kSourceVanished ? Status::not_found(std::move(message))
                                                 : Status::io_error(std::move(message));
  return r;
}

PreflightReport refused(PreflightFailure f, std::string message) {
  PreflightReport r;
  r.failure = f;
  r.status = f == PreflightFailure::kUnreachable || f == PreflightFailure::kNoSpace
                 ? Status::unavailable(std::move(message))
                 : Status::io_error(std::move(message));
  return r;
}

}  // namespace

SmbTarget::SmbTarget(std::string root, std::string credential,
                     const CredentialStore* credentials, SmbTargetOptions options)
    : root_(std::move(root)),
      credential_(std::move(credential)),
      credentials_(credentials),
      options_(options) {}

SmbTarget::~SmbTarget() {
  // smbc_free_context tears down the connection (tree disconnect, logoff): a call on the
  // context like any other (smb_context.h).
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  context_.reset();
}

Result<SmbContext*> SmbTarget::context(int* connect_errno) {
  if (context_ && context_->broken()) context_.reset();
  if (context_) return context_.get();
  Result<SmbPath> path = SmbPath::parse(root_, "server path");
  if (!path.ok()) return path.status();
  SmbAuth auth;
  auth.credential = credential_;
  if (!credential_.empty()) {
    if (credentials_ == nullptr) {
      return Status::unavailable("server path " + root_ + " names the credential '" +
                                 credential_ + "', but this process has no credential store");
    }
    Result<Credential> c = credentials_->find(credential_);
    if (!c.ok()) {
      if (c.status().code() == Status::Code::kNotFound) {
        return Status::unavailable("the credential '" + credential_ + "' of " + root_ +
                                   " is not stored: add it with `distsync credential add " +
                                   credential_ + " --user U`");
      }
      return c.status();
    }
    auth.user = c->user;
    auth.domain = c->domain;
    auth.password = c->password;
  }
  Result<std::unique_ptr<SmbContext>> made =
      SmbContext::create(*path, std::move(auth), options_.timeout);
  if (!made.ok()) return made.status();
  // Session setup and tree connect: where credentials, share names and dead hosts fail.
  if ((*made)->connect() != 0) {
    int err = errno;
    if (connect_errno != nullptr) *connect_errno = err;
    return Status::unavailable((*made)->explain(err, "connect", ""));
  }
  context_ = std::move(made).value();
  return context_.get();
}

PreflightReport SmbTarget::preflight(const std::string& dir, std::uint64_t min_free_bytes) {
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  int err = 0;
  // A failed connect keeps no context: the next call connects afresh (the password may
  // have been fixed).
  Result<SmbContext*> got = context(&err);
  if (!got.ok()) {
    PreflightFailure f = (err == EACCES || err == EPERM) ? PreflightFailure::kNotReadable
                                                         : PreflightFailure::kUnreachable;
    return refused(f, got.status().message());
  }
  SmbContext& ctx = **got;
  struct stat st {};
  if (ctx.make_root() != 0) {
    return refused(PreflightFailure::kNotWritable, ctx.explain(errno, "creating the folder", ""));
  }
  if (Status s = make_dirs(ctx, dir); !s.is_ok()) {
    return refused(PreflightFailure::kNotWritable, s.message());
  }
  if (ctx.stat(dir, &st) != 0) {
    return refused(PreflightFailure::kUnreachable, ctx.explain(errno, "looking up", dir));
  }
  if (!S_ISDIR(st.st_mode)) {
    return refused(PreflightFailure::kNotADirectory, ctx.explain(ENOTDIR, "looking up", dir));
  }
  std::vector<SmbDirEntry> entries;
  if (ctx.list_dir(dir, &entries) != 0) {
    return refused(PreflightFailure::kNotReadable, ctx.explain(errno, "listing", dir));
  }
  std::string probe = dir.empty() ? random_temp_name() : dir + "/" + random_temp_name();
  {
    std::unique_ptr<SmbContext::File> f = ctx.open(probe, O_WRONLY | O_CREAT | O_EXCL);
    if (!f) return refused(PreflightFailure::kNotWritable, ctx.explain(errno, "writing a probe in", dir));
    char byte = 'p';
    int err = 0;
    if (f->write(&byte, 1) != 1) err = errno;
    if (f->close() != 0 && err == 0) err = errno;
    (void)ctx.unlink(probe);
    if (err != 0) {
      return refused(err == ENOSPC ? PreflightFailure::kNoSpace : PreflightFailure::kNotWritable,
                     ctx.explain(err, "writing a probe in", dir));
    }
  }
  PreflightReport ok;
  if (ctx.free_bytes(dir, &ok.free_bytes) == 0 && ok.free_bytes < min_free_bytes) {
    return refused(PreflightFailure::kNoSpace,
                   "the share " + ctx.root().share_unc() + " has " +
                       std::to_string(ok.free_bytes) + " bytes free, the sync needs " +
                       std::to_string(min_free_bytes) + ": free space on it and retry");
  }
  return ok;
}

Status SmbTarget::make_dirs(SmbContext& c, const std::string& dir) {
  if (dir.empty()) return Status::ok();
  struct stat st {};
  if (c.stat(dir, &st) == 0) return Status::ok();
  if (Status s = make_dirs(c, parent(dir)); !s.is_ok()) return s;
  if (c.mkdir(dir) != 0 && errno != EEXIST) {
    return Status::io_error(c.explain(errno, "creating the folder", dir));
  }
  return Status::ok();
}

Status SmbTarget::walk(SmbContext& c, const std::string& dir, const std::string& prefix,
                       const std::atomic<bool>* cancel, Manifest* out) {
  if (cancel != nullptr && cancel->load()) return Status::unavailable("cancelled");
  std::vector<SmbDirEntry> entries;
  std::string here = prefix.empty() ? dir : (dir.empty() ? prefix : dir + "/" + prefix);
  if (c.list_dir(here, &entries) != 0) {
    int err = errno;
    if (err == ENOENT && prefix.empty()) return Status::ok();  // a missing folder is empty
    return Status::io_error(c.explain(err, "listing", here));
  }
  for (SmbDirEntry& e : entries) {
    if (is_temp_name(e.name)) continue;
    std::string rel = prefix.empty() ? e.name : prefix + "/" + e.name;
    if (e.is_dir) {
      if (Status s = walk(c, dir, rel, cancel, out); !s.is_ok()) return s;
      continue;
    }
    if (Status s = check_content_path(rel); !s.is_ok()) {
      out->rejected.push_back({rel, s.message()});
      continue;
    }
    FileEntry f;
    f.path = rel;
    f.size = e.size;
    f.mtime_ns = e.mtime_ns;
    out->total_bytes += f.size;
    out->files.push_back(std::move(f));
  }
  return Status::ok();
}

Result<Manifest> SmbTarget::list(const std::string& dir, const std::atomic<bool>* cancel) {
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  Result<SmbContext*> c = context();
  if (!c.ok()) return c.status();
  Manifest m;
  if (Status s = walk(**c, dir, "", cancel, &m); !s.is_ok()) return s;
  std::sort(m.files.begin(), m.files.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  std::sort(m.rejected.begin(), m.rejected.end(),
            [](const RejectedEntry& a, const RejectedEntry& b) { return a.path < b.path; });
  return m;
}

CopyResult SmbTarget::write_temp(SmbContext& c, const TargetFile& f, const BatchCopyOptions& o,
                                 const std::string& staging, std::string* temp) {
  int fd = ::open(f.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return failed(CopyFailure::kSourceVanished, "source " + f.source + " vanished");
    return failed(classify_target_errno(err), "cannot open source " + f.source + ": " + std::strerror(err));
  }
  struct stat before {};
  ::fstat(fd, &before);
  std::unique_ptr<SmbContext::File> out;
  for (int attempt = 0; attempt < 8 && !out; ++attempt) {
    *temp = staging.empty() ? sibling(f.path, random_temp_name())
                            : staging + "/" + random_temp_name();
    out = c.open(*temp, O_WRONLY | O_CREAT | O_EXCL);
    if (!out && errno != EEXIST) break;
  }
  if (!out) {
    int err = errno;
    ::close(fd);
    temp->clear();
    return failed(classify_target_errno(err), c.explain(err, "creating a temp for", f.path));
  }
  Hasher hash;
  std::vector<char> buf(std::clamp<std::size_t>(o.chunk_bytes, kMinChunk, kMaxChunk));
  std::uint64_t bytes = 0;
  CopyResult r;
  for (;;) {
    if (o.cancel != nullptr && o.cancel->load()) {
      r = failed(CopyFailure::kCancelled, "cancelled");
      break;
    }
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      r = failed(CopyFailure::kIOError, "cannot read source " + f.source + ": " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    if (o.limiter != nullptr && !o.limiter->acquire(static_cast<std::uint64_t>(n), o.cancel)) {
      r = failed(CopyFailure::kCancelled, "cancelled");
      break;
    }
    if (o.verify) hash.update(buf.data(), static_cast<std::size_t>(n));
    for (ssize_t done = 0; done < n;) {
      ssize_t w = out->write(buf.data() + done, static_cast<std::size_t>(n - done));
      if (w <= 0) {
        int err = w < 0 ? errno : EIO;
        r = failed(classify_target_errno(err), c.explain(err, "writing", f.path));
        break;
      }
      done += w;
    }
    if (!r.ok()) break;
    bytes += static_cast<std::uint64_t>(n);
    if (o.written != nullptr) {
      o.written->fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    }
  }
  struct stat after {};
  ::fstat(fd, &after);
  ::close(fd);
  int close_rc = out->close();
  if (r.ok() && close_rc != 0) r = failed(classify_target_errno(errno), c.explain(errno, "closing", f.path));
  if (r.ok() && (after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
                 after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
                 bytes != static_cast<std::uint64_t>(after.st_size))) {
    r = failed(CopyFailure::kIOError, "source " + f.source + " changed during the copy");
  }
  std::int64_t mtime_ns = static_cast<std::int64_t>(before.st_mtim.tv_sec) * 1'000'000'000 +
                          before.st_mtim.tv_nsec;
  if (r.ok() && c.utimes(*temp, mtime_ns) != 0) {
    r = failed(classify_target_errno(errno), c.explain(errno, "setting the time of", f.path));
  }
  if (r.ok() && o.verify) {
    std::string want = f.expected_sha256.empty() ? hash.hex_digest() : f.expected_sha256;
    Hasher back;
    std::unique_ptr<SmbContext::File> in = c.open(*temp, O_RDONLY);
    if (!in) return failed(CopyFailure::kIOError, c.explain(errno, "re-reading", f.path));
    for (;;) {
      ssize_t n = in->read(buf.data(), buf.size());
      if (n < 0) return failed(CopyFailure::kIOError, c.explain(errno, "re-reading", f.path));
      if (n == 0) break;
      back.update(buf.data(), static_cast<std::size_t>(n));
    }
    (void)in->close();
    r.sha256 = back.hex_digest();
    if (r.sha256 != want) {
      r = failed(CopyFailure::kIOError, "verification failed for " + f.path + ": the share holds " +
                                            r.sha256 + ", expected " + want);
    }
  }
  r.bytes = bytes;
  return r;
}

std::vector<CopyResult> SmbTarget::write_batch(const std::vector<TargetFile>& files,
                                               const BatchCopyOptions& options) {
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  std::vector<CopyResult> results(files.size());
  Result<SmbContext*> got = context();
  if (!got.ok()) {
    for (auto& r : results) r = failed(CopyFailure::kIOError, got.status().message());
    return results;
  }
  SmbContext& c = **got;
  // Once the server is gone or stops answering, every further request would wait out the
  // timeout too: the rest of the batch fails at once with the line of the first failure,
  // and its temps are left for remove_stale_temps.
  std::vector<std::string> temps(files.size());
  std::string broken_why;
  // Fails every file from `from` on, and those before it whose temp is not renamed (all
  // but the ones that failed on their own, unless `renamed_before`).
  auto give_up = [&](std::size_t from, bool renamed_before) {
    for (std::size_t j = 0; j < files.size(); ++j) {
      if (j < from && (renamed_before || temps[j].empty())) continue;
      std::uint64_t b = results[j].bytes;
      results[j] = failed(CopyFailure::kIOError, broken_why);
      results[j].bytes = b;
    }
  };
  std::map<std::string, std::string> staging;  // folder -> its staging folder ("": none)
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string dir = parent(files[i].path);
    if (!staging.count(dir)) {
      if (Status s = make_dirs(c, dir); !s.is_ok()) {
        results[i] = failed(CopyFailure::kIOError, s.message());
        if (c.broken()) {
          broken_why = s.message();
          give_up(i, false);
          break;
        }
        continue;
      }
      std::string folder = sibling(files[i].path, random_temp_name());
      staging[dir] = c.mkdir(folder) == 0 ? folder : "";
      if (c.broken()) {
        broken_why = c.explain(errno, "creating a staging folder in", dir);
        give_up(i, false);
        break;
      }
    }
    results[i] = write_temp(c, files[i], options, staging[dir], &temps[i]);
    if (c.broken()) {
      broken_why = results[i].ok() ? c.explain(ETIMEDOUT, "writing", files[i].path)
                                   : results[i].status.message();
      give_up(i, false);
      break;
    }
    if (!results[i].ok() && !temps[i].empty()) {
      (void)c.unlink(temps[i]);
      temps[i].clear();
    }
  }
  bool cancelled = options.cancel != nullptr && options.cancel->load();
  for (std::size_t i = 0; i < files.size() && broken_why.empty(); ++i) {
    if (temps[i].empty()) continue;
    if (cancelled) {
      (void)c.unlink(temps[i]);
      results[i] = failed(CopyFailure::kCancelled, "cancelled");
      continue;
    }
    if (c.rename(temps[i], files[i].path) != 0) {
      int err = errno;
      std::uint64_t b = results[i].bytes;
      results[i] = failed(classify_target_errno(err), c.explain(err, "renaming the temp over", files[i].path));
      results[i].bytes = b;
      if (c.broken()) {
        broken_why = results[i].status.message();
        give_up(i + 1, true);
        break;
      }
      (void)c.unlink(temps[i]);
    }
  }
  if (c.broken()) {
    context_.reset();  // the next batch connects afresh; remove_stale_temps sweeps the rest
    return results;
  }
  for (const auto& [dir, folder] : staging) {
    if (!folder.empty()) (void)c.rmdir(folder);  // empty now, unless a cancel left temps
  }
  return results;
}

PruneReport SmbTarget::remove(const std::string& dir, const std::vector<std::string>& paths) {
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  PruneReport report;
  Result<SmbContext*> got = context();
  for (const std::string& p : paths) {
    if (Status s = check_content_path(p); !s.is_ok()) {
      report.failed.push_back({p, s.message()});
      continue;
    }
    if (!got.ok()) {
      report.failed.push_back({p, got.status().message()});
      continue;
    }
    std::string rel = dir.empty() ? p : dir + "/" + p;
    if ((*got)->unlink(rel) == 0 || errno == ENOENT) {
      report.removed.push_back(p);
    } else {
      report.failed.push_back({p, (*got)->explain(errno, "removing", rel)});
    }
  }
  return report;
}

Result<std::size_t> SmbTarget::remove_stale_temps(const std::string& dir) {
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  Result<SmbContext*> got = context();
  if (!got.ok()) return got.status();
  SmbContext& c = **got;
  std::size_t removed = 0;
  std::vector<std::string> todo = {dir};
  std::vector<std::string> staging;  // staging folders of interrupted batches, parents first
  while (!todo.empty()) {
    std::string here = std::move(todo.back());
    todo.pop_back();
    std::vector<SmbDirEntry> entries;
    if (c.list_dir(here, &entries) != 0) {
      if (errno == ENOENT) continue;
      return Status::io_error(c.explain(errno, "listing", here));
    }
    for (const SmbDirEntry& e : entries) {
      std::string rel = here.empty() ? e.name : here + "/" + e.name;
      if (e.is_dir) {
        todo.push_back(rel);
        if (e.name.ends_with(kTempSuffix)) staging.push_back(rel);
      } else if (e.name.ends_with(kTempSuffix) && c.unlink(rel) == 0) {
        ++removed;
      }
    }
  }
  for (auto it = staging.rbegin(); it != staging.rend(); ++it) (void)c.rmdir(*it);
  return removed;
}

Result<std::string> SmbTarget::read_sha256(const std::string& path) {
  MutexLock lock(&mu_);
  SmbSerialLock serial;
  Result<SmbContext*> got = context();
  if (!got.ok()) return got.status();
  std::unique_ptr<SmbContext::File> in = (*got)->open(path, O_RDONLY);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return Status::not_found(path + " is not on " + root_);
    return Status::io_error((*got)->explain(err, "reading", path));
  }
  Hasher h;
  std::vector<char> buf(kMaxChunk);
  for (;;) {
    ssize_t n = in->read(buf.data(), buf.size());
    if (n < 0) return Status::io_error((*got)->explain(errno, "reading", path));
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
  }
  (void)in->close();
  return h.hex_digest();
}

}  // namespace distsync
