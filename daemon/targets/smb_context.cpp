#include "daemon/targets/smb_context.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include <libsmbclient.h>

#include "daemon/targets/smb_library.h"

namespace distsync {
namespace {

void copy_field(const std::string& value, char* out, int len) {
  if (len <= 0) return;
  std::size_t n = std::min<std::size_t>(value.size(), static_cast<std::size_t>(len - 1));
  std::memcpy(out, value.data(), n);
  out[n] = '\0';
}

std::string with_dir(const SmbPath& root, const std::string& rel) {
  std::string out = root.unc();
  if (!rel.empty()) {
    std::string r = rel;
    for (char& c : r) {
      if (c == '/') c = '\\';
    }
    out += "\\" + r;
  }
  return out;
}

}  // namespace

bool smb_unreachable_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENOTCONN:
    case ECONNRESET:
    case EPIPE:
      return true;
    default:
      return false;
  }
}

struct SmbContext::Impl {
  SMBCCTX* ctx = nullptr;
};

SmbContext::SmbContext(SmbPath root, SmbAuth auth)
    : root_(std::move(root)), auth_(std::move(auth)), impl_(std::make_unique<Impl>()) {}

SmbContext::~SmbContext() {
  if (impl_->ctx != nullptr) smbc_free_context(impl_->ctx, 1);
}

Result<std::unique_ptr<SmbContext>> SmbContext::create(const SmbPath& root, SmbAuth auth,
                                                       std::chrono::milliseconds timeout) {
  std::unique_ptr<SmbContext> self(new SmbContext(root, std::move(auth)));
  if (!smb_library_smb2_only()) {
    return Status::unavailable("this libsmbclient cannot restrict itself to SMB2/3");
  }
  SmbSetupLock setup;
  SMBCCTX* ctx = smbc_new_context();  // debug level 0 (the library's default)
  if (ctx == nullptr) return Status::unavailable("cannot create an SMB client context");
  smbc_setOptionUserData(ctx, self.get());
  smbc_setFunctionAuthDataWithContext(
      ctx, [](SMBCCTX* c, const char*, const char*, char* wg, int wglen, char* un, int unlen,
              char* pw, int pwlen) {
        auto* me = static_cast<SmbContext*>(smbc_getOptionUserData(c));
        copy_field(me->auth_.domain, wg, wglen);
        copy_field(me->auth_.user, un, unlen);
        copy_field(me->auth_.password, pw, pwlen);
      });
  smbc_setTimeout(ctx, static_cast<int>(timeout.count()));
  if (root.port() != 0) smbc_setPort(ctx, root.port());
  smbc_setOptionUseKerberos(ctx, false);
  smbc_setOptionFallbackAfterKerberos(ctx, true);
  // A refused credential must fail, not fall back to a guest session that may not write.
  smbc_setOptionNoAutoAnonymousLogin(ctx, !self->auth_.user.empty());
  if (!self->auth_.user.empty()) smbc_setUser(ctx, self->auth_.user.c_str());
  if (!self->auth_.domain.empty()) smbc_setWorkgroup(ctx, self->auth_.domain.c_str());
  if (smbc_init_context(ctx) == nullptr) {
    int err = errno;
    smbc_free_context(ctx, 1);
    return Status::unavailable(std::string("cannot initialize the SMB client: ") +
                               std::strerror(err));
  }
  self->impl_->ctx = ctx;
  return self;
}

int SmbContext::connect() {
  SmbSetupLock setup;
  struct stat st {};
  return stat_share(&st);
}

int SmbContext::stat(const std::string& rel, struct stat* st) {
  return note(smbc_getFunctionStat(impl_->ctx)(impl_->ctx, root_.url(rel).c_str(), st));
}

int SmbContext::stat_share(struct stat* st) {
  SmbPath share = *SmbPath::parse(root_.share_unc(), "");
  return note(smbc_getFunctionStat(impl_->ctx)(impl_->ctx, share.url("").c_str(), st));
}

int SmbContext::make_root() {
  SmbPath share = *SmbPath::parse(root_.share_unc(), "");
  std::string done;
  std::string rest = root_.dir();
  while (!rest.empty()) {
    auto slash = rest.find('/');
    done += (done.empty() ? "" : "/") + rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
    struct stat st {};
    std::string url = share.url(done);
    if (smbc_getFunctionStat(impl_->ctx)(impl_->ctx, url.c_str(), &st) == 0) continue;
    if (note(smbc_getFunctionMkdir(impl_->ctx)(impl_->ctx, url.c_str(), 0755)) != 0 &&
        errno != EEXIST) {
      return -1;
    }
  }
  return 0;
}

int SmbContext::mkdir(const std::string& rel) {
  return note(smbc_getFunctionMkdir(impl_->ctx)(impl_->ctx, root_.url(rel).c_str(), 0755));
}

int SmbContext::rmdir(const std::string& rel) {
  return note(smbc_getFunctionRmdir(impl_->ctx)(impl_->ctx, root_.url(rel).c_str()));
}

int SmbContext::unlink(const std::string& rel) {
  return note(smbc_getFunctionUnlink(impl_->ctx)(impl_->ctx, root_.url(rel).c_str()));
}

int SmbContext::rename(const std::string& from_rel, const std::string& to_rel) {
  return note(smbc_getFunctionRename(impl_->ctx)(impl_->ctx, root_.url(from_rel).c_str(),
                                                 impl_->ctx, root_.url(to_rel).c_str()));
}

int SmbContext::utimes(const std::string& rel, std::int64_t mtime_ns) {
  struct timeval tv[2];
  tv[0].tv_sec = tv[1].tv_sec = static_cast<time_t>(mtime_ns / 1'000'000'000);
  tv[0].tv_usec = tv[1].tv_usec = static_cast<suseconds_t>((mtime_ns % 1'000'000'000) / 1000);
  return note(smbc_getFunctionUtimes(impl_->ctx)(impl_->ctx, root_.url(rel).c_str(), tv));
}

int SmbContext::free_bytes(const std::string& rel, std::uint64_t* bytes) {
  struct statvfs vfs {};
  std::string url = root_.url(rel);
  if (note(smbc_getFunctionStatVFS(impl_->ctx)(impl_->ctx, url.data(), &vfs)) != 0) return -1;
  // libsmbclient fills statvfs from FS_FULL_SIZE_INFORMATION its own way: f_bavail counts
  // allocation units, f_frsize is sectors per unit (a count, not bytes) and f_bsize bytes per
  // sector. Reading f_frsize as bytes (the POSIX meaning) undercounts by the sector size.
  std::uint64_t sectors = vfs.f_frsize != 0 ? vfs.f_frsize : 1;
  *bytes = static_cast<std::uint64_t>(vfs.f_bavail) * sectors * vfs.f_bsize;
  return 0;
}

int SmbContext::list_dir(const std::string& rel, std::vector<SmbDirEntry>* out) {
  SMBCCTX* c = impl_->ctx;
  SMBCFILE* dir = smbc_getFunctionOpendir(c)(c, root_.url(rel).c_str());
  if (dir == nullptr) return note(-1);
  auto readdir = smbc_getFunctionReaddirPlus2(c);
  struct stat st {};
  while (const libsmb_file_info* info = readdir(c, dir, &st)) {
    std::string name = info->name != nullptr ? info->name : "";
    if (name.empty() || name == "." || name == "..") continue;
    SmbDirEntry e;
    e.name = std::move(name);
    e.is_dir = S_ISDIR(st.st_mode);
    e.size = info->size;
    e.mtime_ns = static_cast<std::int64_t>(info->mtime_ts.tv_sec) * 1'000'000'000 +
                 info->mtime_ts.tv_nsec;
    out->push_back(std::move(e));
  }
  smbc_getFunctionClosedir(c)(c, dir);
  return 0;
}

std::unique_ptr<SmbContext::File> SmbContext::open(const std::string& rel, int flags) {
  SMBCFILE* f = smbc_getFunctionOpen(impl_->ctx)(impl_->ctx, root_.url(rel).c_str(), flags, 0644);
  if (f == nullptr) {
    (void)note(-1);
    return nullptr;
  }
  return std::unique_ptr<File>(new File(this, f));
}

SmbContext::File::~File() {
  if (handle_ != nullptr) {
    SMBCCTX* c = owner_->impl_->ctx;
    smbc_getFunctionClose(c)(c, static_cast<SMBCFILE*>(handle_));
  }
}

ssize_t SmbContext::File::read(void* buf, std::size_t n) {
  SMBCCTX* c = owner_->impl_->ctx;
  return owner_->note(smbc_getFunctionRead(c)(c, static_cast<SMBCFILE*>(handle_), buf, n));
}

ssize_t SmbContext::File::write(const void* buf, std::size_t n) {
  SMBCCTX* c = owner_->impl_->ctx;
  return owner_->note(smbc_getFunctionWrite(c)(c, static_cast<SMBCFILE*>(handle_), buf, n));
}

int SmbContext::File::close() {
  SMBCCTX* c = owner_->impl_->ctx;
  void* h = handle_;
  handle_ = nullptr;
  return owner_->note(smbc_getFunctionClose(c)(c, static_cast<SMBCFILE*>(h)));
}

std::string SmbContext::explain(int err, const std::string& what, const std::string& rel) const {
  const std::string share = root_.share_unc();
  const std::string where = with_dir(root_, rel);
  const std::string host =
      root_.host() + ":" + std::to_string(root_.port() != 0 ? root_.port() : 445);
  if (smb_unreachable_errno(err)) {
    return "cannot reach the SMB server " + host + " of " + share + " (" + std::strerror(err) +
           "): check the host and port in the server path, that the server is up and that SMB "
           "is not blocked on the way";
  }
  switch (err) {
    case EPERM:
    case EACCES:
      if (what == "connect") {
        if (!auth_.credential.empty()) {
          return "the credential '" + auth_.credential + "' was refused by " + share +
                 ": check its password with `distsync credential add " + auth_.credential +
                 "`, and that its user may use the share";
        }
        return share +
               " refused the daemon's account: store a credential with `distsync credential add "
               "NAME --user U` and name it with `distsync server edit SERVER --credential NAME`";
      }
      return "access denied to " + where + " while " + what + " (user '" +
             (auth_.user.empty() ? std::string("the daemon's account") : auth_.user) +
             "'): give that user read and write access to the share, or name another "
             "credential";
    case EROFS:
      return where + " is read-only (" + what +
             "): make the share writable (read only = no) or choose another share";
    case ENOENT:
    case ENODEV:
    case ENXIO:
      if (what == "connect") {
        return "share '" + root_.share() + "' does not exist on " + root_.host() +
               " (or is not offered there): check the server path with `distsync server edit`";
      }
      return where + " does not exist (" + what + ")";
    case ENOSPC:
    case EDQUOT:
      return "the share " + share + " is full while " + what + " " + where +
             ": free space on it (or raise the user's quota) and retry";
    case ENOTDIR:
      return where + " is not a folder (" + what + "): fix the server path";
    default:
      return "SMB " + what + " " + where + " failed: " + std::strerror(err);
  }
}

}  // namespace distsync
