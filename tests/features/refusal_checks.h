// RefusalChecks: for surface tests over the real daemon, the log's head, and the check that a
// refused command prints one line naming its cause and records nothing. A mixin over a
// fixture that has call() and cli() (tests/sync_daemon/sync_daemon_fixture.h).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace distsync::testing {

template <class Fixture>
class RefusalChecks : public Fixture {
 protected:
  std::uint64_t last_seq() {
    return this->call("events.read", {{"from", 1}, {"limit", 1}}).value("last_seq", 0ull);
  }

  // The one line on stderr of a refused command (exit 1) holds `says`; the log did not move.
  void expect_refused(std::vector<std::string> args, const std::string& says) {
    const std::uint64_t before = last_seq();
    auto r = this->cli(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(last_seq(), before);
  }
};

}  // namespace distsync::testing
