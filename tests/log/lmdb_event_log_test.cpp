#include "events/log/lmdb_event_log.h"

#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <deque>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "events/chain.h"
#include "events/codec.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tmpfs_mount.h"

namespace distsync {
namespace {

using testing::TempDir;

LmdbLogOptions options(const std::string& dir, const std::string& console) {
  LmdbLogOptions o;
  o.dir = dir;
  o.console = console;
  o.initial_map_bytes = 1 << 20;
  return o;
}

std::unique_ptr<LmdbEventLog> open_log(const std::string& dir, std::size_t map = 1 << 20,
                                       std::string console = "c1") {
  LmdbLogOptions o;
  o.dir = dir;
  o.console = console;
  o.initial_map_bytes = map;
  auto log = LmdbEventLog::open(o);
  EXPECT_TRUE(log.ok()) << log.status().to_string();
  return log.ok() ? std::move(log).value() : nullptr;
}

std::vector<EventDraft> drafts(int n, const std::string& tag = "x") {
  std::vector<EventDraft> out;
  for (int i = 0; i < n; ++i) out.push_back({"job-" + tag, SyncCancelled{tag + std::to_string(i)}});
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status verify_all(EventLog& log) {
  ChainVerifier v(1, kGenesisHash);
  Status bad = Status::ok();
  Status s = log.scan_records(1, UINT64_MAX, [&](std::uint64_t seq, std::string_view rec) {
    bad = v.add_record(rec);
    // The writer encodes records in place: they must be exactly what the codec writes.
    auto e = decode_record(rec);
    if (bad.is_ok() && (!e.ok() || encode_record(*e) != rec)) {
      bad = Status::corruption("record " + std::to_string(seq) + " is not in the codec's form");
    }
    return bad.is_ok();
  });
  if (!s.is_ok()) return s;
  if (!bad.is_ok()) return bad;
  if (v.last_seq() != log.last_seq()) return Status::corruption("chain shorter than head");
  return Status::ok();
}

TEST(LmdbEventLogTest, AppendsSurviveReopenAndChainVerifies) {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    ASSERT_TRUE(log->append(drafts(3)).ok());
    ASSERT_TRUE(log->append(drafts(2, "y")).ok());
  }
  auto log = open_log(dir.path());
  EXPECT_EQ(log->last_seq(), 5u);
  auto events = log->read(2, 4, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ(events->front().seq, 2u);
  EXPECT_EQ(events->front().console, "c1");
  EXPECT_TRUE(verify_all(*log).is_ok());
  EXPECT_EQ(log->last_hash(), log->read(5, 5, 1)->front().hash);
}

TEST(LmdbEventLogTest, ReadsByTimeRange) {
  TempDir dir;
  std::int64_t now = 1000;
  LmdbLogOptions o;
  o.dir = dir.path();
  o.console = "c1";
  o.clock_us = [&] { return now; };
  auto log = std::move(LmdbEventLog::open(o)).value();
  for (int i = 0; i < 10; ++i) {
    now = 1000 + i * 10;
    ASSERT_TRUE(log->append(drafts(1)).ok());
  }
  EXPECT_EQ(*log->seq_at_time(0), 1u);
  EXPECT_EQ(*log->seq_at_time(1035), 5u);
  EXPECT_EQ(*log->seq_at_time(1040), 5u);
  EXPECT_EQ(*log->seq_at_time(99999), 11u);
}

TEST(LmdbEventLogTest, StaleExpectationIsAConflictAndAppendsNothing) {
  TempDir dir;
  auto log = open_log(dir.path());
  ASSERT_TRUE(log->append(drafts(2), 0).ok());
  auto r = log->append(drafts(1), 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);
  EXPECT_EQ(log->last_seq(), 2u);
  EXPECT_TRUE(log->append(drafts(1), 2).ok());
}

TEST(LmdbEventLogTest, ConcurrentAppendersShareCommitsAndAreAllAcknowledged) {
  TempDir dir;
  auto log = open_log(dir.path(), 16 << 20);
  constexpr int kThreads = 8, kPerThread = 300;
  std::vector<std::thread> threads;
  std::atomic<int> acked{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Result<AppendResult>>> inflight;
      for (int i = 0; i < kPerThread; ++i) inflight.push_back(log->append_async(drafts(1, std::to_string(t))));
      for (auto& f : inflight) {
        auto r = f.get();
        if (r.ok() && r->first_seq > 0) acked++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(acked.load(), kThreads * kPerThread);
  EXPECT_EQ(log->last_seq(), static_cast<std::uint64_t>(kThreads * kPerThread));
  // Group commit: far fewer transactions than appends.
  EXPECT_LT(log->commits(), static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_TRUE(verify_all(*log).is_ok());
}

// Holds the log's writer inside a command until release(): commands submitted meanwhile
// queue up, and the writer then takes them all as one group (one transaction).
class WriterGate {
 public:
  explicit WriterGate(EventLog& log) {
    held_ = log.submit([this](std::uint64_t, std::vector<EventDraft>*) {
      if (!entered_flag_.exchange(true)) entered_.set_value();
      released_.wait();
      return Status::ok();
    });
    entered_.get_future().wait();
  }
  ~WriterGate() { release(); }
  void release() {
    if (!released_flag_.exchange(true)) release_.set_value();
    if (held_.valid()) {
      EXPECT_TRUE(held_.get().ok());
    }
  }

 private:
  std::atomic<bool> entered_flag_{false}, released_flag_{false};
  std::promise<void> entered_, release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::future<Result<AppendResult>> held_;
};

// A group where one command refuses: the others are appended, in order, each seeing the
// head left by those before it, and every caller gets its own answer from one commit.
TEST(LmdbEventLogTest, AGroupWithARefusedCommandAppendsTheOthersAndAnswersEach) {
  TempDir dir;
  auto log = open_log(dir.path());
  ASSERT_TRUE(log->append(drafts(3, "before")).ok());
  constexpr int kCommands = 12, kRefused = 5;
  std::vector<std::uint64_t> heads(kCommands, 0);
  std::vector<std::future<Result<AppendResult>>> answers;
  std::uint64_t commits_before = 0;
  {
    WriterGate gate(*log);
    commits_before = log->commits();
    for (int i = 0; i < kCommands; ++i) {
      answers.push_back(log->submit([i, &heads](std::uint64_t head, std::vector<EventDraft>* out) {
        heads[i] = head;
        if (i == kRefused) return Status::conflict("command " + std::to_string(i) + " refuses");
        *out = drafts(i % 3 + 1, "c" + std::to_string(i));  // 1 to 3 events each
        return Status::ok();
      }));
    }
  }
  std::uint64_t expected_head = 3;
  for (int i = 0; i < kCommands; ++i) {
    auto r = answers[i].get();
    EXPECT_EQ(heads[i], expected_head) << "command " << i;
    if (i == kRefused) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), Status::Code::kConflict);
      EXPECT_EQ(r.status().message(), "command 5 refuses");
      continue;
    }
    ASSERT_TRUE(r.ok()) << "command " << i << ": " << r.status().to_string();
    const std::uint64_t n = static_cast<std::uint64_t>(i % 3 + 1);
    EXPECT_EQ(r->first_seq, expected_head + 1) << "command " << i;
    EXPECT_EQ(r->last_seq, expected_head + n) << "command " << i;
    expected_head += n;
  }
  // The gate's own (empty) group, then one transaction for all twelve commands.
  EXPECT_EQ(log->commits(), commits_before + 2);
  EXPECT_EQ(log->last_seq(), expected_head);
  auto events = log->read(4, expected_head, 1000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), expected_head - 3);
  std::size_t at = 0;
  for (int i = 0; i < kCommands; ++i) {
    if (i == kRefused) continue;
    for (int k = 0; k < i % 3 + 1; ++k, ++at) {
      EXPECT_EQ((*events)[at].correlation, "job-c" + std::to_string(i));
    }
  }
  EXPECT_TRUE(verify_all(*log).is_ok());
  log.reset();
  auto reopened = open_log(dir.path());
  EXPECT_EQ(reopened->last_seq(), expected_head);
  EXPECT_TRUE(verify_all(*reopened).is_ok());
}

// A group too big for the map aborts, grows the map and runs again. Plain appends moved their
// drafts into the first attempt: the retry must append every one of them, unchanged.
TEST(LmdbEventLogTest, AGroupThatOutgrowsTheMapIsRetriedWithEveryDraft) {
  TempDir dir;
  auto log = open_log(dir.path(), 64 << 10);
  const std::size_t map_before = log->map_bytes();
  constexpr int kCommands = 40;
  std::vector<std::future<Result<AppendResult>>> answers;
  {
    WriterGate gate(*log);
    for (int i = 0; i < kCommands; ++i) {
      const std::string reason = std::to_string(i) + std::string(4000, 'r');
      if (i % 4 == 3) {  // a command of its own among the plain appends
        answers.push_back(log->submit([reason, i](std::uint64_t, std::vector<EventDraft>* out) {
          out->push_back({"cmd-" + std::to_string(i), SyncFailed{reason, 1, 0}});
          return Status::ok();
        }));
      } else {
        answers.push_back(log->append_async({{"plain-" + std::to_string(i), SyncFailed{reason, 0, 1}}}));
      }
    }
  }
  for (int i = 0; i < kCommands; ++i) {
    auto r = answers[i].get();
    ASSERT_TRUE(r.ok()) << "command " << i << ": " << r.status().to_string();
    EXPECT_EQ(r->first_seq, static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ(r->last_seq, static_cast<std::uint64_t>(i + 1));
  }
  EXPECT_GT(log->map_bytes(), map_before);
  auto events = log->read(1, kCommands, kCommands);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<std::size_t>(kCommands));
  for (int i = 0; i < kCommands; ++i) {
    const Event& e = (*events)[i];
    const bool own = i % 4 == 3;
    EXPECT_EQ(e.correlation, (own ? "cmd-" : "plain-") + std::to_string(i));
    const auto* f = e.as<SyncFailed>();
    ASSERT_NE(f, nullptr) << i;
    EXPECT_EQ(f->reason, std::to_string(i) + std::string(4000, 'r'));
    EXPECT_EQ(f->files_copied, own ? 1u : 0u);
  }
  EXPECT_TRUE(verify_all(*log).is_ok());
}

// A commit that fails (here: the disk is full) answers every command of its group with the
// error; nothing of the group is appended, and the next group appends normally.
TEST(LmdbEventLogTest, AFailedCommitAnswersEveryCommandOfTheGroup) {
  TempDir dir;
  const std::string mnt = std::filesystem::weakly_canonical(dir.sub("mnt")).string();
  testing::TmpfsMount tmpfs(mnt, "size=1m");
  ASSERT_TRUE(tmpfs.mounted()) << tmpfs.why();
  const std::string filler = mnt + "/filler";
  std::ofstream(filler, std::ios::binary) << std::string(600 << 10, 'f');
  auto log = open_log(mnt + "/log", 64 << 10);
  ASSERT_TRUE(log);
  const std::string big(4000, 'z');
  bool full = false;
  for (int i = 0; i < 1000 && !full; ++i) full = !log->append({{"j", SyncFailed{big, 1, 1}}}).ok();
  ASSERT_TRUE(full) << "1000 appends of 4 KB fitted in a 1 MiB tmpfs";
  const std::uint64_t head = log->last_seq();
  std::vector<std::future<Result<AppendResult>>> answers;
  std::uint64_t commits_before = 0;
  {
    WriterGate gate(*log);
    commits_before = log->commits();
    for (int i = 0; i < 6; ++i) {
      answers.push_back(log->append_async({{"j" + std::to_string(i), SyncFailed{big, 1, 1}}}));
    }
  }
  for (auto& f : answers) {
    auto r = f.get();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kIOError);
    EXPECT_NE(r.status().message().find("the disk is full"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(log->commits(), commits_before + 1);  // the gate's empty group only
  EXPECT_EQ(log->last_seq(), head);
  EXPECT_TRUE(verify_all(*log).is_ok());

  std::filesystem::remove(filler);
  {
    WriterGate gate(*log);
    answers.clear();
    for (int i = 0; i < 6; ++i) answers.push_back(log->append_async(drafts(1, std::to_string(i))));
  }
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto r = answers[i].get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(r->first_seq, head + 1 + i);
  }
  EXPECT_EQ(log->last_seq(), head + 6);
  EXPECT_TRUE(verify_all(*log).is_ok());
}

TEST(LmdbEventLogTest, AcknowledgedAppendsAreDurableForANewOpener) {
  TempDir dir;
  auto log = open_log(dir.path());
  auto r = log->append(drafts(4));
  ASSERT_TRUE(r.ok());
  // A second process sees the acknowledged events at once.
  pid_t pid = fork();
  if (pid == 0) {
    MDB_env* env;
    mdb_env_create(&env);
    mdb_env_set_maxdbs(env, 8);
    if (mdb_env_open(env, dir.path().c_str(), MDB_RDONLY, 0) != 0) _exit(3);
    MDB_txn* txn;
    MDB_dbi dbi;
    mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
    if (mdb_dbi_open(txn, "events", 0, &dbi) != 0) _exit(4);
    MDB_stat st;
    mdb_stat(txn, dbi, &st);
    _exit(st.ms_entries == 4 ? 0 : 5);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The writer is SIGKILLed while 4 threads keep appends in flight: every append whose future
// had answered before the kill is in the reopened log, in a chain that verifies, and the log
// appends again. (A kill cannot test the fsync itself; it tests that no future is answered
// before its group is committed, with the flusher answering while the writer runs on.)
TEST(LmdbEventLogTest, AcknowledgedAppendsSurviveAKilledWriter) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto log = LmdbEventLog::open(options(dir.path(), "c1"));
    if (!log.ok()) _exit(3);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::deque<std::future<Result<AppendResult>>> inflight;
        for (int i = 0;; ++i) {
          inflight.push_back((*log)->append_async(drafts(1, std::to_string(t))));
          if (inflight.size() < 64) continue;
          auto r = inflight.front().get();
          inflight.pop_front();
          if (!r.ok()) _exit(4);
          const std::uint64_t seq = r->last_seq;
          if (write(fds[1], &seq, sizeof seq) != sizeof seq) _exit(5);
        }
      });
    }
    for (auto& th : threads) th.join();
    _exit(0);
  }
  close(fds[1]);
  std::uint64_t acked_max = 0, acked = 0, seq = 0;
  while (acked < 3000 && read(fds[0], &seq, sizeof seq) == sizeof seq) {
    acked_max = std::max(acked_max, seq);
    ++acked;
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the appender exited with " << WEXITSTATUS(status);
  // Answers written before the kill are still in the pipe.
  while (read(fds[0], &seq, sizeof seq) == sizeof seq) acked_max = std::max(acked_max, seq);
  close(fds[0]);
  ASSERT_GE(acked, 3000u);
  auto log = open_log(dir.path());
  ASSERT_TRUE(log);
  EXPECT_GE(log->last_seq(), acked_max);
  EXPECT_TRUE(verify_all(*log).is_ok());
  auto more = log->append(drafts(1));
  ASSERT_TRUE(more.ok()) << more.status().to_string();
  EXPECT_EQ(more->first_seq, log->last_seq());
}

TEST(LmdbEventLogTest, MapGrowsFromATinyMap) {
  TempDir dir;
  auto log = open_log(dir.path(), 64 << 10);
  std::size_t before = log->map_bytes();
  std::string big(4000, 'z');
  for (int i = 0; i < 400; ++i) {
    auto r = log->append({{"j", SyncFailed{big, 1, 1}}});
    ASSERT_TRUE(r.ok()) << r.status().to_string();
  }
  EXPECT_GT(log->map_bytes(), before);
  EXPECT_EQ(log->last_seq(), 400u);
  EXPECT_TRUE(verify_all(*log).is_ok());
}

// A full disk is named, with its fix, instead of "Input/output error"; reads go on, and
// appends resume once space is freed.
TEST(LmdbEventLogTest, FullDiskIsNamedAndAppendsResumeWhenSpaceIsFreed) {
  TempDir dir;
  const std::string mnt = std::filesystem::weakly_canonical(dir.sub("mnt")).string();
  testing::TmpfsMount tmpfs(mnt, "size=1m");
  if (!tmpfs.mounted()) GTEST_SKIP() << tmpfs.why();
  const std::string filler = mnt + "/filler";
  std::ofstream(filler, std::ios::binary) << std::string(600 << 10, 'f');
  auto log = open_log(mnt + "/log", 64 << 10);
  ASSERT_TRUE(log);
  const std::string big(4000, 'z');
  Status failure = Status::ok();
  for (int i = 0; i < 1000 && failure.is_ok(); ++i) {
    auto r = log->append({{"j", SyncFailed{big, 1, 1}}});
    if (!r.ok()) failure = r.status();
  }
  ASSERT_FALSE(failure.is_ok()) << "1000 appends of 4 KB fitted in a 1 MiB tmpfs";
  EXPECT_EQ(failure.code(), Status::Code::kIOError);
  EXPECT_EQ(failure.message(), "event log " + mnt +
                                   "/log: the disk is full (no space left on device), nothing "
                                   "was appended; free space on " +
                                   mnt + " and retry");
  const std::uint64_t head = log->last_seq();
  ASSERT_GT(head, 0u);
  // Nothing was appended, and what was is still read and still verifies.
  auto again = log->append({{"j", SyncFailed{big, 1, 1}}});
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(log->last_seq(), head);
  auto events = log->read(1, head, 10000);
  ASSERT_TRUE(events.ok()) << events.status().to_string();
  EXPECT_EQ(events->size(), head);
  EXPECT_TRUE(verify_all(*log).is_ok());

  std::filesystem::remove(filler);
  auto after = log->append({{"j", SyncFailed{big, 1, 1}}});
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  EXPECT_EQ(log->last_seq(), head + 1);
  EXPECT_TRUE(verify_all(*log).is_ok());
  log.reset();
  auto reopened = open_log(mnt + "/log");
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->last_seq(), head + 1);
}

TEST(LmdbEventLogTest, TwoProcessesAppendToOneDirectory) {
  TempDir dir;
  { auto init = open_log(dir.path()); }
  pid_t pid = fork();
  if (pid == 0) {
    auto log = LmdbEventLog::open(options(dir.path(), "c2"));
    if (!log.ok()) _exit(3);
    for (int i = 0; i < 200; ++i) {
      if (!(*log)->append(drafts(1, "child")).ok()) _exit(4);
    }
    (*log)->close();
    _exit(0);
  }
  auto log = open_log(dir.path(), 1 << 20, "c1");
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(log->append(drafts(1, "parent")).ok());
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(log->last_seq(), 400u);
  EXPECT_TRUE(verify_all(*log).is_ok());
  auto events = log->read(1, 400, 400);
  int from_child = 0;
  for (const Event& e : *events) from_child += e.console == "c2";
  EXPECT_EQ(from_child, 200);
}

TEST(LmdbEventLogTest, RefusesCorruptEnvironmentAndLeavesItUnmodified) {
  TempDir dir;
  {
    std::ofstream out(dir.sub("data.mdb"), std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(i * 31 + 7));
  }
  std::string before = file_bytes(dir.sub("data.mdb"));
  auto log = LmdbEventLog::open(options(dir.path(), "c1"));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), Status::Code::kCorruption);
  EXPECT_NE(log.status().message().find(dir.path()), std::string::npos) << log.status().message();
  EXPECT_EQ(file_bytes(dir.sub("data.mdb")), before);
}

void raw_put(const std::string& dir, const char* db, const std::string& key, const std::string& value) {
  MDB_env* env;
  mdb_env_create(&env);
  mdb_env_set_maxdbs(env, 8);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), 0);
  MDB_txn* txn;
  MDB_dbi dbi;
  mdb_txn_begin(env, nullptr, 0, &txn);
  ASSERT_EQ(mdb_dbi_open(txn, db, MDB_CREATE, &dbi), 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(LmdbEventLogTest, RefusesForeignEnvironment) {
  TempDir dir;
  raw_put(dir.path(), "customers", "alice", "42");
  std::string before = file_bytes(dir.sub("data.mdb"));
  auto log = LmdbEventLog::open(options(dir.path(), "c1"));
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("not a distsync event log"), std::string::npos)
      << log.status().message();
  EXPECT_EQ(file_bytes(dir.sub("data.mdb")), before);
}

TEST(LmdbEventLogTest, RefusesNewerSchema) {
  TempDir dir;
  { auto log = open_log(dir.path()); ASSERT_TRUE(log->append(drafts(1)).ok()); }
  raw_put(dir.path(), "meta", "schema", "99");
  std::string before = file_bytes(dir.sub("data.mdb"));
  auto log = LmdbEventLog::open(options(dir.path(), "c1"));
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("newer"), std::string::npos) << log.status().message();
  EXPECT_EQ(file_bytes(dir.sub("data.mdb")), before);
}

}  // namespace
}  // namespace distsync
