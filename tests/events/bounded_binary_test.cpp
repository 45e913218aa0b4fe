// Decoding a record whose length prefixes lie must not allocate what they claim
// (events/bounded_binary.h). Found by tests/fuzz/fuzz_event_record.
#include "events/bounded_binary.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

#include "events/codec.h"

namespace {
// The largest single allocation while `tracking` is set. Replacing the global operator new is
// the one way to see what cereal asks for; it forwards to malloc, as the default one does.
std::atomic<bool> tracking{false};
std::atomic<std::size_t> largest{0};
}  // namespace

#if defined(__GNUC__) && !defined(__clang__)
// GCC pairs the replaced operators' malloc and free wrongly once they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (tracking.load(std::memory_order_relaxed) && n > largest.load(std::memory_order_relaxed)) {
    largest.store(n, std::memory_order_relaxed);
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace distsync {
namespace {

std::string record_of(const Event& e) { return encode_record(e); }

// Where the console's length prefix sits: two hashes, cereal's endianness byte, seq, time_us.
constexpr std::size_t kConsoleLength = 2 * 32 + 1 + 8 + 8;

std::size_t largest_allocation_decoding(const std::string& record, Status* status) {
  largest = 0;
  tracking = true;
  auto e = decode_record(record);
  tracking = false;
  *status = e.ok() ? Status::ok() : e.status();
  return largest;
}

TEST(BoundedBinaryTest, LyingStringLengthIsCorruptionWithoutTheAllocation) {
  Event e;
  e.seq = 1;
  e.console = "console-a";
  e.payload = ConsoleStarted{"0.1.0", "host-a", 4242};
  std::string record = record_of(e);
  std::uint64_t len = 0;
  std::memcpy(&len, record.data() + kConsoleLength, sizeof len);  // little-endian host
  ASSERT_EQ(len, e.console.size()) << "the record layout changed; fix kConsoleLength";

  for (std::uint64_t claimed : {std::uint64_t{1} << 30, std::uint64_t{1} << 62}) {
    std::memcpy(record.data() + kConsoleLength, &claimed, sizeof claimed);
    Status s;
    std::size_t biggest = largest_allocation_decoding(record, &s);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << claimed;
    EXPECT_LT(biggest, std::size_t{1} << 20) << "claimed " << claimed;
  }
}

TEST(BoundedBinaryTest, LyingVectorLengthIsCorruptionWithoutTheAllocation) {
  // A vector of two strings whose count prefix claims 2^40 entries.
  std::string text;
  {
    std::ostringstream os;
    {
      cereal::PortableBinaryOutputArchive ar(os);
      std::vector<std::string> v = {"a", "b"};
      ar(v);
    }
    text = os.str();
  }
  std::uint64_t claimed = std::uint64_t{1} << 40;
  std::memcpy(text.data() + 1, &claimed, sizeof claimed);  // after the endianness byte
  std::istringstream in(text);
  cereal::PortableBinaryInputArchive ar(in);
  std::vector<std::string> v;
  largest = 0;
  tracking = true;
  EXPECT_THROW(ar(v), cereal::Exception);
  tracking = false;
  EXPECT_LT(largest.load(), std::size_t{1} << 20);
}

TEST(BoundedBinaryTest, BoolByteOtherThanZeroOrOneIsCorruption) {
  Event e;
  e.seq = 2;
  e.console = "console-a";
  e.payload = FileCopied{"Patches/a.msu", 42, 7, std::string(64, 'f'), true};
  std::string record = record_of(e);
  ASSERT_EQ(record.back(), '\x01');  // `verified`, the last field of the last payload
  record.back() = 111;
  auto back = decode_record(record);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), Status::Code::kCorruption);
  EXPECT_NE(back.status().message().find("not 0 or 1"), std::string::npos)
      << back.status().message();
  record.back() = 0;
  ASSERT_TRUE(decode_record(record).ok());
  EXPECT_FALSE(std::get<FileCopied>(decode_record(record)->payload).verified);
}

TEST(BoundedBinaryTest, EncodingAndHonestRecordsAreUnchanged) {
  Event e;
  e.seq = 3;
  e.console = std::string(200000, 'c');  // longer than one 64 KiB chunk
  e.payload = ConsoleStarted{"0.1.0", "host-a", 4242};
  auto back = decode_record(record_of(e));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->console, e.console);
}

}  // namespace
}  // namespace distsync
