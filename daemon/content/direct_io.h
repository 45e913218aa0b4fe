// Writing a file past the page cache (O_DIRECT), for the big files of a copy.
//
// A buffered copy puts every byte through the target's page cache twice over: a memcpy into
// freshly allocated pages, then writeback, which the batch's durability barrier waits for.
// For a file of a megabyte or more, writing from an aligned user-space buffer with O_DIRECT
// lets the disk take the bytes straight from that buffer: the copy runs at the speed of the
// disk, and the barrier finds nothing of it left to write (only the file system's metadata,
// which it still commits: O_DIRECT alone promises no durability).
//
// O_DIRECT wants the buffer, the offset and the length aligned to the device's logical block;
// kDirectAlign (4096) covers 512-byte and 4K devices. The last piece of a file is padded with
// zeros to that alignment and the file is cut back to its size afterwards (ftruncate), so a
// file of any size can be written this way.
//
// Stateless and thread-safe; the aligned buffer is the caller's (buffer_pool.h lends them).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace distsync {

inline constexpr std::size_t kDirectAlign = 4096;
// What one direct write takes at most (the size of the buffer a direct copy borrows).
inline constexpr std::size_t kDirectBufferBytes = 4 << 20;

constexpr std::uint64_t align_up(std::uint64_t n, std::uint64_t to) { return (n + to - 1) / to * to; }

// Opens the existing file `path` for writing with O_DIRECT. -1 with errno set when it cannot
// (EINVAL: the file system does not do O_DIRECT; use buffered writes).
int open_direct(const std::string& path);

// Writes `len` bytes of `buf` at `at` to the O_DIRECT descriptor `fd`, padding them with
// zeros up to kDirectAlign first (so `buf` must have room for align_up(len)); the caller cuts
// the file back to its size when a padded piece was its last. 0, or the errno of the failure.
// REQUIRES: `buf` and `at` aligned to kDirectAlign; len <= kDirectBufferBytes.
int write_direct(int fd, char* buf, std::size_t len, off_t at);

}  // namespace distsync
