#include "daemon/security/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <zmq.h>
#include "daemon/content/durable_file.h"
#include "events/hash.h"

namespace distsync {

Result<CurveKeyPair> generate_key_pair() {
  char pub[41] = {}, sec[41] = {};
  if (!zmq_has("curve") || zmq_curve_keypair(pub, sec) != 0) {
    return Status::unavailable("this libzmq has no CURVE support; install libzmq with libsodium");
  }
  return CurveKeyPair{pub, sec};
}

Status write_key_file(const std::string& path, const CurveKeyPair& pair) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::io_error("cannot create key file " + path + ": " + std::strerror(errno));
  }
  std::string text = "public=" + pair.public_key + "\nsecret=" + pair.secret_key + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::io_error("cannot write key file " + path);
  return fsync_dir(parent_dir(path));
}

Result<CurveKeyPair> read_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::not_found("key file " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::invalid_argument("key file " + path +
                                    " is readable by others; chmod 600 it");
  }
  std::ifstream in(path);
  CurveKeyPair pair;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("public=", 0) == 0) pair.public_key = line.substr(7);
    if (line.rfind("secret=", 0) == 0) pair.secret_key = line.substr(7);
  }
  if (pair.public_key.size() != 40 || pair.secret_key.size() != 40) {
    return Status::invalid_argument("key file " + path +
                                    " is not a distsync key file (public=/secret= lines); make "
                                    "one with 'distsync-agent keygen'");
  }
  return pair;
}

Result<CurveKeyPair> load_or_create_key_file(const std::string& path) {
  if (::access(path.c_str(), F_OK) == 0) return read_key_file(path);
  std::string dir = parent_dir(path);
  if (Status s = make_dirs_durable(dir); !s.is_ok()) return s;
  (void)::chmod(dir.c_str(), 0700);
  auto pair = generate_key_pair();
  if (!pair.ok()) return pair.status();
  if (Status s = write_key_file(path, *pair); !s.is_ok()) return s;
  return pair;
}

std::string key_fingerprint(const std::string& public_key) {
  return to_hex(sha256(public_key)).substr(0, 12);
}

}  // namespace distsync
