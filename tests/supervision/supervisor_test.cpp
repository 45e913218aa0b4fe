// Supervisor (daemon/supervision/supervisor.h) over the in-memory log: it starts one thread per
// unit its scan asks for, re-scans when the log grows, reaps units whose body returned, tells
// running units to stop and joins them. Waits are on the units' own signals, never on time.
#include "daemon/supervision/supervisor.h"

#include <gtest/gtest.h>

#include <set>

#include "events/log/memory_event_log.h"
#include "events/server_events.h"

namespace distsync::testing {
namespace {

// A unit that runs until told to stop (or returns at once when `quick`).
struct TestUnit {
  Mutex mu;
  CondVar cv;
  bool stop GUARDED_BY(mu) = false;
  bool quick = false;
};

// A latch the test waits on for what other threads did.
class Counter {
 public:
  void add() {
    MutexLock lock(&mu_);
    ++n_;
    cv_.notify_all();
  }
  // Waits until at least `n` (bounded, so a broken supervisor fails instead of hanging).
  int wait_for(int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    MutexLock lock(&mu_);
    while (n_ < n && cv_.wait_until(&mu_, deadline)) {
    }
    return n_;
  }
  int value() {
    MutexLock lock(&mu_);
    return n_;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  int n_ GUARDED_BY(mu_) = 0;
};

void append_one(MemoryEventLog& log) {
  ServerSpec spec;
  spec.name = "s";
  spec.root_path = "/srv";
  ASSERT_TRUE(log.append({EventDraft{"", ServerAdded{spec}}}).ok());
}

TEST(SupervisorTest, StartsOneThreadPerUnitRescansOnAppendAndJoinsOnStop) {
  MemoryEventLog log;
  Mutex wanted_mu;
  std::set<std::string> wanted = {"a"};  // what the "projection" says should run
  Counter started, stopped;
  Supervisor<TestUnit> sup(
      log, std::chrono::milliseconds(50),
      [&](Supervisor<TestUnit>::Units& units) {
        MutexLock lock(&wanted_mu);
        for (const std::string& id : wanted) {
          if (units.has(id)) continue;
          units.launch(id, std::make_shared<TestUnit>(), [&](TestUnit& u) {
            started.add();
            MutexLock l(&u.mu);
            while (!u.stop) u.cv.wait(&u.mu);
            stopped.add();
          });
        }
      },
      [](Supervisor<TestUnit>::Units& units) {
        units.for_each([](const std::string&, TestUnit& u) {
          MutexLock l(&u.mu);
          u.stop = true;
          u.cv.notify_all();
        });
      });
  sup.start();
  EXPECT_EQ(started.wait_for(1), 1);
  {
    MutexLock lock(&wanted_mu);
    wanted.insert("b");
  }
  append_one(log);  // the log moved: the supervisor scans again
  EXPECT_EQ(started.wait_for(2), 2);
  EXPECT_EQ(sup.with_units([](Supervisor<TestUnit>::Units& u) { return u.size(); }), 2u);
  EXPECT_NE(sup.with_units([](Supervisor<TestUnit>::Units& u) { return u.find("a"); }), nullptr);
  sup.stop();
  EXPECT_EQ(stopped.value(), 2);  // both were told to stop and joined before stop() returned
  EXPECT_EQ(sup.with_units([](Supervisor<TestUnit>::Units& u) { return u.size(); }), 0u);
  sup.stop();  // idempotent
  EXPECT_EQ(started.value(), 2);  // nothing starts after stop
}

TEST(SupervisorTest, AFinishedUnitIsNotFoundAndIsStartedAgainWhenStillWanted) {
  MemoryEventLog log;
  Counter runs;
  Supervisor<TestUnit> sup(
      log, std::chrono::milliseconds(20),
      [&](Supervisor<TestUnit>::Units& units) {
        if (units.has("job") || runs.value() >= 3) return;
        units.launch("job", std::make_shared<TestUnit>(), [&](TestUnit&) { runs.add(); });
      },
      [](Supervisor<TestUnit>::Units&) {});
  sup.start();
  // Each run returns at once; the next pass reaps it and, as the scan still wants it, runs
  // it again, as a job whose final append failed is started again.
  EXPECT_EQ(runs.wait_for(3), 3);
  sup.stop();
  EXPECT_EQ(runs.value(), 3);
  EXPECT_EQ(sup.with_units([](Supervisor<TestUnit>::Units& u) { return u.find("job"); }), nullptr);
}

}  // namespace
}  // namespace distsync::testing
