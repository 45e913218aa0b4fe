// TmpfsMount: a tmpfs of a chosen size mounted for a test's lifetime, to play a full disk.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace distsync::testing {

// A tmpfs mounted on a fresh folder for the life of the object. mounted() is false (and
// why() says why) when this process may not mount, e.g. without CAP_SYS_ADMIN.
class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, const std::string& options, bool read_only = false)
      : dir_(dir) {
    std::filesystem::create_directories(dir_);
    unsigned long flags = read_only ? MS_RDONLY : 0;
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", flags, options.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::string("cannot mount a tmpfs (") + std::strerror(errno) +
             "); needs root or CAP_SYS_ADMIN";
    }
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace distsync::testing
