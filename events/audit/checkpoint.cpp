#include "events/audit/checkpoint.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cereal/archives/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "events/json_text.h"

namespace distsync {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecretHeader = "distsync-checkpoint-secret-key ed25519 v1";
constexpr std::string_view kPublicHeader = "distsync-checkpoint-public-key ed25519 v1";
constexpr std::string_view kMessagePrefix = "distsync-checkpoint v1\n";

void ensure_sodium() {
  static const int rc = sodium_init();
  DISTSYNC_CHECK(rc >= 0);
}

template <std::size_t N>
std::string bytes_to_hex(const std::array<std::uint8_t, N>& b) {
  std::string hex(2 * N + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), b.data(), N);
  hex.pop_back();
  return hex;
}

template <std::size_t N>
bool hex_to_bytes(std::string_view hex, std::array<std::uint8_t, N>* out) {
  if (hex.size() != 2 * N) return false;
  std::size_t len = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out->data(), N, hex.data(), hex.size(), nullptr, &len, &end) == 0 &&
         len == N && end == hex.data() + hex.size();
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return std::string(s);
}

Status errno_status(const std::string& what) {
  return Status::io_error(what + ": " + std::strerror(errno));
}

// Writes `text` to a fresh temporary file beside `path` with `mode`, flushed to disk.
Result<std::string> write_temp(const std::string& path, std::string_view text, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(randombytes_random());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno_status("cannot create " + tmp);
  bool ok = ::fchmod(fd, mode) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    Status s = errno_status("cannot write " + tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  return tmp;
}

Result<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

}  // namespace

CheckpointKey::CheckpointKey(CheckpointKey&& other) noexcept
    : secret_(other.secret_), public_(other.public_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

CheckpointKey::~CheckpointKey() { sodium_memzero(secret_.data(), secret_.size()); }

CheckpointKey CheckpointKey::generate() {
  ensure_sodium();
  CheckpointKey k;
  crypto_sign_ed25519_keypair(k.public_.data(), k.secret_.data());
  return k;
}

Checkpoint CheckpointKey::sign(std::uint64_t seq, const Hash256& hash, std::int64_t time_us,
                               std::string console) const {
  Checkpoint cp;
  cp.seq = seq;
  cp.hash = hash;
  cp.time_us = time_us;
  cp.console = std::move(console);
  cp.public_key = public_;
  std::string msg = checkpoint_message(seq, hash, time_us, cp.console);
  crypto_sign_ed25519_detached(cp.signature.data(), nullptr,
                               reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                               secret_.data());
  return cp;
}

Result<CheckpointKey> load_or_create_key(const std::string& data_dir) {
  ensure_sodium();
  const std::string keys = data_dir + "/keys";
  const std::string key_path = keys + "/checkpoint.key", pub_path = keys + "/checkpoint.pub";
  std::error_code ec;
  if (!fs::exists(keys, ec)) {
    fs::create_directories(keys, ec);
    if (ec) return Status::io_error("cannot create " + keys + ": " + ec.message());
    fs::permissions(keys, fs::perms::owner_all, ec);
  }

  if (!fs::exists(key_path, ec)) {
    CheckpointKey fresh = CheckpointKey::generate();
    std::string text = std::string(kSecretHeader) + "\n" + bytes_to_hex(fresh.secret_) + "\n";
    auto tmp = write_temp(key_path, text, 0600);
    sodium_memzero(text.data(), text.size());
    if (!tmp.ok()) return tmp.status();
    // link() fails if another process created the key first; then both use that one.
    int rc = ::link(tmp->c_str(), key_path.c_str());
    int err = errno;
    ::unlink(tmp->c_str());
    if (rc != 0 && err != EEXIST) {
      errno = err;
      return errno_status("cannot create " + key_path);
    }
  }

  struct stat st{};
  if (::stat(key_path.c_str(), &st) != 0) return errno_status("cannot stat " + key_path);
  if ((st.st_mode & 077) != 0) {
    return Status::invalid_argument(key_path + " is readable by group or others; run chmod 600 " +
                                    key_path);
  }
  auto text = read_small_file(key_path);
  if (!text.ok()) return text.status();
  CheckpointKey key;
  std::string_view t = *text;
  auto nl = t.find('\n');
  bool parsed = nl != std::string_view::npos && trim(t.substr(0, nl)) == kSecretHeader &&
                hex_to_bytes(trim(t.substr(nl + 1)), &key.secret_);
  sodium_memzero(text->data(), text->size());
  if (!parsed) {
    return Status::corruption(key_path + " is not a distsync checkpoint key (expected '" +
                              std::string(kSecretHeader) + "' and 128 hex digits)");
  }
  crypto_sign_ed25519_sk_to_pk(key.public_.data(), key.secret_.data());

  const std::string pub_text = std::string(kPublicHeader) + "\n" + bytes_to_hex(key.public_) + "\n";
  auto existing = read_small_file(pub_path);
  if (!existing.ok() || *existing != pub_text) {
    auto tmp = write_temp(pub_path, pub_text, 0644);
    if (!tmp.ok()) return tmp.status();
    if (::rename(tmp->c_str(), pub_path.c_str()) != 0) {
      Status s = errno_status("cannot write " + pub_path);
      ::unlink(tmp->c_str());
      return s;
    }
  }
  return key;
}

Result<std::string> public_key_text(const std::string& data_dir) {
  auto key = load_or_create_key(data_dir);
  if (!key.ok()) return key.status();
  return std::string(kPublicHeader) + "\n" + key_to_hex(key->public_key()) + "\n";
}

Result<PublicKey> parse_public_key(std::string_view hex_or_path) {
  PublicKey key;
  if (hex_to_bytes(trim(hex_or_path), &key)) return key;
  auto text = read_small_file(std::string(hex_or_path));
  if (!text.ok()) {
    return Status::invalid_argument("public key '" + std::string(hex_or_path) +
                                    "' is neither 64 hex digits nor a readable file");
  }
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string l = trim(line);
    if (l.empty() || l.rfind("distsync-", 0) == 0) continue;
    if (hex_to_bytes(l, &key)) return key;
    break;
  }
  return Status::invalid_argument(std::string(hex_or_path) +
                                  " holds no public key (expected 64 hex digits, as "
                                  "`distsync-admin public-key` prints)");
}

std::string checkpoint_message(std::uint64_t seq, const Hash256& hash, std::int64_t time_us,
                               std::string_view console) {
  std::string m(kMessagePrefix);
  m += std::to_string(seq) + "\n" + to_hex(hash) + "\n" + std::to_string(time_us) + "\n";
  m += console;
  return m;
}

bool checkpoint_signature_valid(const Checkpoint& cp) {
  ensure_sodium();
  std::string msg = checkpoint_message(cp.seq, cp.hash, cp.time_us, cp.console);
  return crypto_sign_ed25519_verify_detached(cp.signature.data(),
                                             reinterpret_cast<const unsigned char*>(msg.data()),
                                             msg.size(), cp.public_key.data()) == 0;
}

std::string key_to_hex(const PublicKey& key) { return bytes_to_hex(key); }
std::string signature_to_hex(const Signature& sig) { return bytes_to_hex(sig); }

std::string checkpoint_to_json(const Checkpoint& cp) {
  std::string s = "{\"checkpoint\":{\"seq\":";
  append_json_int(&s, cp.seq);
  s += ",\"hash\":\"" + to_hex(cp.hash) + "\",\"time_us\":";
  append_json_int(&s, cp.time_us);
  s += ",\"console\":";
  append_json_string(&s, cp.console);
  s += ",\"public_key\":\"" + key_to_hex(cp.public_key) + "\",\"signature\":\"" +
       signature_to_hex(cp.signature) + "\"}}";
  return s;
}

bool is_checkpoint_json(std::string_view line) {
  return line.rfind("{\"checkpoint\":", 0) == 0;
}

namespace {

Result<Checkpoint> checkpoint_from_parts(std::uint64_t seq, std::string_view hash,
                                         std::int64_t time_us, std::string console,
                                         std::string_view key, std::string_view sig) {
  Checkpoint cp;
  cp.seq = seq;
  cp.time_us = time_us;
  cp.console = std::move(console);
  auto h = hash_from_hex(hash);
  if (!h || !hex_to_bytes(key, &cp.public_key) || !hex_to_bytes(sig, &cp.signature)) {
    return Status::corruption("checkpoint has a malformed hash, public_key or signature");
  }
  cp.hash = *h;
  return cp;
}

}  // namespace

Result<Checkpoint> checkpoint_from_json(std::string_view line) {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::string hash, console, key, sig;
  if (Status s = check_json_depth(line, "checkpoint"); !s.is_ok()) {
    return Status::corruption(s.message());
  }
  try {
    std::istringstream is{std::string(line)};
    cereal::JSONInputArchive ar(is);
    ar.setNextName("checkpoint");
    ar.startNode();
    ar(cereal::make_nvp("seq", seq), cereal::make_nvp("hash", hash),
       cereal::make_nvp("time_us", time_us), cereal::make_nvp("console", console),
       cereal::make_nvp("public_key", key), cereal::make_nvp("signature", sig));
    ar.finishNode();
  } catch (const std::exception& ex) {
    return Status::corruption(std::string("undecodable checkpoint: ") + ex.what());
  }
  return checkpoint_from_parts(seq, hash, time_us, std::move(console), key, sig);
}

std::vector<std::string> checkpoint_to_csv_fields(const Checkpoint& cp) {
  return {std::string(kCsvCheckpointTag), std::to_string(cp.seq),  to_hex(cp.hash),
          std::to_string(cp.time_us),     cp.console,              key_to_hex(cp.public_key),
          signature_to_hex(cp.signature)};
}

Result<Checkpoint> checkpoint_from_csv_fields(const std::vector<std::string>& f) {
  if (f.size() != 7 || f[0] != kCsvCheckpointTag) {
    return Status::corruption("checkpoint row needs 7 columns: " + std::string(kCsvCheckpointTag) +
                              ",seq,hash,time_us,console,public_key,signature");
  }
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  auto p1 = std::from_chars(f[1].data(), f[1].data() + f[1].size(), seq);
  auto p2 = std::from_chars(f[3].data(), f[3].data() + f[3].size(), time_us);
  if (p1.ec != std::errc() || p1.ptr != f[1].data() + f[1].size() || p2.ec != std::errc() ||
      p2.ptr != f[3].data() + f[3].size()) {
    return Status::corruption("checkpoint row has a malformed seq or time_us");
  }
  return checkpoint_from_parts(seq, f[2], time_us, f[4], f[5], f[6]);
}

}  // namespace distsync
