#include "events/audit/checkpoint.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cereal/archives/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "events/json_text.h"

namespace distsync {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecretHeader = "distsync-checkpoint-secret-key ed25519 v1";
constexpr std::string_view kPublicHeader = "distsync-checkpoint-public-key ed25519 v1";
constexpr std::string_view kMessagePrefixV1 = "distsync-checkpoint v1\n";
constexpr std::string_view kMessagePrefixV2 = "distsync-checkpoint v2\n";

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

Checkpoint CheckpointKey::sign(Checkpoint cp) const {
  DISTSYNC_CHECK(cp.version == 1 || cp.version == 2);
  cp.public_key = public_;
  std::string msg = checkpoint_message(cp);
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

std::string checkpoint_message(const Checkpoint& cp) {
  std::string m(cp.version == 1 ? kMessagePrefixV1 : kMessagePrefixV2);
  if (cp.version != 1) {
    m += std::to_string(cp.first_seq) + "\n" + to_hex(cp.first_prev_hash) + "\n";
  }
  m += std::to_string(cp.seq) + "\n" + to_hex(cp.hash) + "\n" + std::to_string(cp.time_us) + "\n";
  m += cp.console;
  return m;
}

bool checkpoint_signature_valid(const Checkpoint& cp) {
  ensure_sodium();
  if (cp.version != 1 && cp.version != 2) return false;
  std::string msg = checkpoint_message(cp);
  return crypto_sign_ed25519_verify_detached(cp.signature.data(),
                                             reinterpret_cast<const unsigned char*>(msg.data()),
                                             msg.size(), cp.public_key.data()) == 0;
}

std::string key_to_hex(const PublicKey& key) { return bytes_to_hex(key); }
std::string signature_to_hex(const Signature& sig) { return bytes_to_hex(sig); }

std::string checkpoint_to_json(const Checkpoint& cp) {
  std::string s = "{\"checkpoint\":{";
  if (cp.version != 1) {
    s += "\"version\":";
    append_json_int(&s, cp.version);
    s += ",\"first_seq\":";
    append_json_int(&s, cp.first_seq);
    s += ",\"first_prev_hash\":\"" + to_hex(cp.first_prev_hash) + "\",";
  }
  s += "\"seq\":";
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

// `cp` holds version, first_seq, seq, time_us and console; the rest is hex to decode.
Result<Checkpoint> checkpoint_from_parts(Checkpoint cp, std::string_view first_prev_hash,
                                         std::string_view hash, std::string_view key,
                                         std::string_view sig) {
  auto h = hash_from_hex(hash);
  auto first = cp.version == 1 ? std::optional<Hash256>(Hash256{}) : hash_from_hex(first_prev_hash);
  if (!h || !first || !hex_to_bytes(key, &cp.public_key) || !hex_to_bytes(sig, &cp.signature)) {
    return Status::corruption(
        "checkpoint has a malformed first_prev_hash, hash, public_key or signature");
  }
  cp.hash = *h;
  cp.first_prev_hash = *first;
  return cp;
}

template <typename Int>
bool parse_whole(const std::string& s, Int* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

Result<Checkpoint> checkpoint_from_json(std::string_view line) {
  if (Status s = check_json_depth(line, "checkpoint"); !s.is_ok()) {
    return Status::corruption(s.message());
  }
  Checkpoint cp;
  std::string first_prev, hash, key, sig;
  // A v2 trailer starts with its version; one without is v1, whose signature covers less
  // (and whose message prefix differs, so a v2 trailer stripped of it fails to verify).
  cp.version = line.rfind("{\"checkpoint\":{\"version\":", 0) == 0 ? 0 : 1;
  try {
    std::istringstream is{std::string(line)};
    cereal::JSONInputArchive ar(is);
    ar.setNextName("checkpoint");
    ar.startNode();
    if (cp.version != 1) {
      ar(cereal::make_nvp("version", cp.version), cereal::make_nvp("first_seq", cp.first_seq),
         cereal::make_nvp("first_prev_hash", first_prev));
    }
    ar(cereal::make_nvp("seq", cp.seq), cereal::make_nvp("hash", hash),
       cereal::make_nvp("time_us", cp.time_us), cereal::make_nvp("console", cp.console),
       cereal::make_nvp("public_key", key), cereal::make_nvp("signature", sig));
    ar.finishNode();
  } catch (const std::exception& ex) {
    return Status::corruption(std::string("undecodable checkpoint: ") + ex.what());
  }
  if (cp.version != 2 && cp.version != 1) {
    return Status::corruption("checkpoint version " + std::to_string(cp.version) +
                              " is not one this build knows (1 or 2); verify with a newer build");
  }
  return checkpoint_from_parts(std::move(cp), first_prev, hash, key, sig);
}

std::vector<std::string> checkpoint_to_csv_fields(const Checkpoint& cp) {
  std::vector<std::string> f = {std::string(kCsvCheckpointTag)};
  if (cp.version != 1) {
    f.insert(f.end(), {"v" + std::to_string(cp.version), std::to_string(cp.first_seq),
                       to_hex(cp.first_prev_hash)});
  }
  f.insert(f.end(), {std::to_string(cp.seq), to_hex(cp.hash), std::to_string(cp.time_us),
                     cp.console, key_to_hex(cp.public_key), signature_to_hex(cp.signature)});
  return f;
}

Result<Checkpoint> checkpoint_from_csv_fields(const std::vector<std::string>& f) {
  const bool v2 = f.size() >= 2 && f[1] == "v2";
  if (f.empty() || f[0] != kCsvCheckpointTag || f.size() != (v2 ? 10u : 7u)) {
    return Status::corruption("checkpoint row needs 10 columns: " + std::string(kCsvCheckpointTag) +
                              ",v2,first_seq,first_prev_hash,seq,hash,time_us,console,public_key,"
                              "signature (or the 7 of a version 1 checkpoint)");
  }
  Checkpoint cp;
  cp.version = v2 ? 2 : 1;
  const std::size_t o = v2 ? 3 : 0;  // where the fields common to both versions start
  if ((v2 && !parse_whole(f[2], &cp.first_seq)) || !parse_whole(f[o + 1], &cp.seq) ||
      !parse_whole(f[o + 3], &cp.time_us)) {
    return Status::corruption("checkpoint row has a malformed first_seq, seq or time_us");
  }
  cp.console = f[o + 4];
  return checkpoint_from_parts(std::move(cp), v2 ? f[3] : "", f[o + 2], f[o + 5], f[o + 6]);
}

}  // namespace distsync
