#include "events/audit/stored_bytes.h"

#include "events/codec.h"
#include "events/codec_in_place.h"
#include "events/hash.h"

namespace distsync {
namespace {

constexpr std::size_t kHashBytes = 32;
constexpr char kDigits[] = "0123456789abcdef";

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string stored_bytes_hex(std::string_view record, const Event& decoded, std::string* scratch) {
  if (record.size() < 2 * kHashBytes) return "";
  const std::string_view stored = record.substr(2 * kHashBytes);
  scratch->clear();
  append_canonical_bytes(scratch, decoded);
  if (*scratch == stored) return "";
  std::string hex;
  hex.reserve(stored.size() * 2);
  for (unsigned char c : stored) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xf]);
  }
  return hex;
}

Status check_stored_bytes(const Event& e, std::string_view hex) {
  const std::string where = "seq " + std::to_string(e.seq) + ": ";
  if (hex.empty() || hex.size() % 2 != 0) {
    return Status::corruption(where + "stored_bytes is not an even number of hex digits");
  }
  std::string record;
  record.reserve(2 * kHashBytes + hex.size() / 2);
  record.append(reinterpret_cast<const char*>(e.prev_hash.data()), kHashBytes);
  record.append(reinterpret_cast<const char*>(e.hash.data()), kHashBytes);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit_value(hex[i]), lo = digit_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::corruption(where + "stored_bytes is not hex");
    record.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (!record_hash_matches(record)) {
    return Status::corruption(where + "stored bytes do not match its hash (record edited)");
  }
  auto stored = decode_record(record);
  if (!stored.ok() || !(*stored == e)) {
    return Status::corruption(where + "the fields are not those its stored bytes hold "
                              "(fields or stored bytes edited)");
  }
  return Status::ok();
}

}  // namespace distsync
