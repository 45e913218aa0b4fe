#include "daemon/fetch/partial_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace distsync {
namespace {

Status errno_status(const std::string& what, const std::string& path) {
  return Status::io_error(what + " " + path + ": " + std::strerror(errno));
}

std::string join(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return rel;
  return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

Status sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("cannot open directory", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  errno = err;
  return rc == 0 ? Status::ok() : errno_status("cannot fsync directory", dir);
}

}  // namespace

std::string partial_path_for(const std::string& final_path) {
  std::size_t slash = final_path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : final_path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? final_path : final_path.substr(slash + 1);
  return dir + ".distsync-" + name + ".distsync-tmp";
}

Status make_parent_dirs(const std::string& dest_dir, const std::string& relative_path) {
  std::string path = dest_dir;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = relative_path.find('/', start);
    if (slash == std::string::npos) return Status::ok();
    path = join(path, relative_path.substr(start, slash - start));
    start = slash + 1;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) continue;
      return Status::io_error(path + " is in the way: it is a " +
                              (S_ISLNK(st.st_mode) ? "symlink" : "file") +
                              ", not a directory; refusing to write through it");
    }
    if (errno != ENOENT) return errno_status("cannot stat", path);
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      return errno_status("cannot create directory", path);
    }
  }
}

Result<PartialFile> PartialFile::open(const std::string& dest_dir,
                                      const std::string& relative_path) {
  if (Status s = make_parent_dirs(dest_dir, relative_path); !s.is_ok()) return s;
  std::string final_path = join(dest_dir, relative_path);
  std::string temp_path = partial_path_for(final_path);
  std::size_t slash = final_path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : final_path.substr(0, slash);
  // O_NOFOLLOW: a symlink planted under the temp name must not redirect our writes.
  int fd = ::open(temp_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return errno_status("cannot open temp file", temp_path);
  PartialFile file(std::move(final_path), std::move(temp_path), std::move(dir), fd);
  if (Status s = file.rehash_existing(); !s.is_ok()) return s;
  return file;
}

PartialFile::PartialFile(std::string final_path, std::string temp_path, std::string dir, int fd)
    : final_path_(std::move(final_path)),
      temp_path_(std::move(temp_path)),
      dir_(std::move(dir)),
      fd_(fd) {}

PartialFile::PartialFile(PartialFile&& other) noexcept
    : final_path_(std::move(other.final_path_)),
      temp_path_(std::move(other.temp_path_)),
      dir_(std::move(other.dir_)),
      fd_(other.fd_),
      size_(other.size_),
      digest_taken_(other.digest_taken_),
      hash_(std::move(other.hash_)) {
  other.fd_ = -1;
}

PartialFile::~PartialFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status PartialFile::rehash_existing() {
  std::vector<char> buf(1 << 20);
  size_ = 0;
  for (;;) {
    ssize_t n = ::pread(fd_, buf.data(), buf.size(), static_cast<off_t>(size_));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("cannot read temp file", temp_path_);
    }
    if (n == 0) return Status::ok();
    hash_.update(buf.data(), static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
}

Status PartialFile::append(const char* data, std::size_t len) {
  DISTSYNC_CHECK(fd_ >= 0 && !digest_taken_);
  std::size_t done = 0;
  while (done < len) {
    ssize_t n = ::pwrite(fd_, data + done, len - done, static_cast<off_t>(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("cannot write temp file", temp_path_);
    }
    done += static_cast<std::size_t>(n);
  }
  hash_.update(data, len);
  size_ += len;
  return Status::ok();
}

Status PartialFile::truncate() {
  DISTSYNC_CHECK(fd_ >= 0);
  if (::ftruncate(fd_, 0) != 0) return errno_status("cannot truncate temp file", temp_path_);
  size_ = 0;
  hash_.reset();
  digest_taken_ = false;
  return Status::ok();
}

std::string PartialFile::take_digest() {
  digest_taken_ = true;
  return hash_.final_hex();
}

Status PartialFile::install() {
  DISTSYNC_CHECK(fd_ >= 0);
  // Installed content is plain data, at most rw-r--r--, whatever mode a temp left by an
  // earlier run (or planted in its place) carried: never executable, never group-writable.
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno_status("cannot stat temp file", temp_path_);
  if ((st.st_mode & 07777 & ~0644) != 0 && ::fchmod(fd_, st.st_mode & 0644) != 0) {
    return errno_status("cannot set the mode of temp file", temp_path_);
  }
  if (::fsync(fd_) != 0) return errno_status("cannot fsync temp file", temp_path_);
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    return errno_status("cannot rename temp file into place as", final_path_);
  }
  return sync_dir(dir_);
}

void PartialFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
}

}  // namespace distsync
