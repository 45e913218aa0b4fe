// Sizes, rates and durations as people read them on a progress line: "1.2 MiB", "1:05:09".
// Pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace distsync {

std::string human_bytes(double bytes);       // "512 B", "1.2 MiB"
std::string human_duration(std::int64_t s);  // "0:05", "1:05:09"

}  // namespace distsync
