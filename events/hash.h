// SHA-256 digests and their hex form, as used by the event hash chain.
//
// Hash256 is a plain value. sha256() is thread-safe. The OpenSSL implementation stays
// private to distsync_events.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace distsync {

using Hash256 = std::array<std::uint8_t, 32>;

// The previous hash of event 1: 32 zero bytes.
inline constexpr Hash256 kGenesisHash{};

// SHA-256 of `a` followed by `b` (b may be empty).
Hash256 sha256(std::string_view a, std::string_view b = {});

std::string to_hex(const Hash256& h);
// Parses 64 lower- or upper-case hex digits; nullopt otherwise.
std::optional<Hash256> hash_from_hex(std::string_view hex);

}  // namespace distsync
