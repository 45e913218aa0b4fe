// The ranges of a server's limits (ServerSpec): validate_server_spec enforces them, and the
// CLI shows them in its help and errors and only converts units. One place, so the two never
// disagree. Constants only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace distsync {

inline constexpr std::uint32_t kMaxParallelCopies = 64;
inline constexpr std::uint64_t kMaxBandwidthBps = std::uint64_t{1} << 40;  // 1024G per second
inline constexpr std::size_t kMaxPoolAgents = 64;  // agents one server may be placed on

}  // namespace distsync
