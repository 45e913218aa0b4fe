// distsync_log_bench [APPENDS] [REPLAY_EVENTS] [LATENCY_N] [LOG_DIR]: the event log's write
// and replay paths against raw LMDB doing the same I/O, in one run.
//
//   durable appends  1 and 8 appender threads, each keeping up to 1,000 one-event appends in
//                    flight (append_async futures); APPENDS events per run (default 200,000).
//                    Baseline: raw LMDB MDB_APPEND puts of records of the same mean size, one
//                    commit (fsync) per batch of the group size the log was observed to use.
//   sync latency     LATENCY_N (default 2,000) synchronous one-event appends, p50 and p99.
//                    Baseline: one raw LMDB put + commit.
//   replay           read + decode + fold (projections' apply) of REPLAY_EVENTS (default
//                    1,000,000) events; also decode only and rebuild() with saves. Baseline:
//                    raw sequential read of the same records (scan_records).
// LOG_DIR, when given, keeps the replay log there (reused if it already holds enough events).
// Prints one line per figure: name  value unit  (baseline X unit, ratio Y). Not a test.
#include <lmdb.h>

#include <atomic>
#include <cstring>
#include <deque>
#include <future>
#include <thread>

#include "bench/bench_workload.h"
#include "events/codec.h"
#include "events/log/lmdb_event_log.h"
#include "events/log/map_state_table.h"
#include "projections/projection_set.h"

namespace {

using namespace distsync;
using namespace distsync::bench;
namespace fs = std::filesystem;

struct AppendRun {
  double events_per_s = 0;
  double cpu_us_per_event = 0;  // process CPU, every thread
  double mean_group = 0;      // appends per write transaction
  double mean_record = 0;     // bytes per encoded record
};

Result<std::unique_ptr<LmdbEventLog>> open_log(const fs::path& dir) {
  LmdbLogOptions o;
  o.dir = dir.string();
  o.console = "bench-console";
  o.initial_map_bytes = std::size_t{1} << 30;
  return LmdbEventLog::open(o);
}

// `threads` appenders, each with up to `in_flight` unacknowledged appends, `total` in all.
Result<AppendRun> run_appenders(const fs::path& dir, int threads, std::uint64_t total,
                                std::size_t in_flight) {
  auto opened = open_log(dir);
  if (!opened.ok()) return opened.status();
  LmdbEventLog& log = **opened;
  const std::uint64_t per_thread = total / static_cast<std::uint64_t>(threads);
  std::atomic<bool> failed{false};
  const std::uint64_t commits0 = log.commits();
  const double cpu0 = process_cpu_seconds();
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::deque<std::future<Result<AppendResult>>> pending;
      for (std::uint64_t i = 0; i < per_thread; ++i) {
        if (pending.size() >= in_flight) {
          if (!pending.front().get().ok()) failed = true;
          pending.pop_front();
        }
        std::vector<EventDraft> one;
        one.push_back(workload_event(kServers + static_cast<std::uint64_t>(t) * per_thread + i));
        pending.push_back(log.append_async(std::move(one)));
      }
      for (auto& f : pending) {
        if (!f.get().ok()) failed = true;
      }
    });
  }
  for (auto& th : pool) th.join();
  const double secs = seconds_since(t0);
  const double cpu = process_cpu_seconds() - cpu0;
  if (failed) return Status::io_error("an append failed");
  AppendRun run;
  const std::uint64_t n = per_thread * static_cast<std::uint64_t>(threads);
  run.events_per_s = static_cast<double>(n) / secs;
  run.cpu_us_per_event = cpu * 1e6 / static_cast<double>(n);
  run.mean_group = static_cast<double>(n) / static_cast<double>(std::max<std::uint64_t>(1, log.commits() - commits0));
  std::uint64_t bytes = 0;
  Status s = log.scan_records(1, UINT64_MAX, [&](std::uint64_t, std::string_view r) {
    bytes += r.size();
    return true;
  });
  if (!s.is_ok()) return s;
  run.mean_record = static_cast<double>(bytes) / static_cast<double>(log.last_seq());
  log.close();
  return run;
}

// Raw LMDB: an environment with one named database, default (durable) flags.
class RawLmdb {
 public:
  explicit RawLmdb(const fs::path& dir) {
    fs::create_directories(dir);
    ok_ = mdb_env_create(&env_) == 0 && mdb_env_set_maxdbs(env_, 4) == 0 &&
          mdb_env_set_mapsize(env_, std::size_t{1} << 30) == 0 &&
          mdb_env_open(env_, dir.c_str(), 0, 0644) == 0;
    MDB_txn* txn = nullptr;
    ok_ = ok_ && mdb_txn_begin(env_, nullptr, 0, &txn) == 0 &&
          mdb_dbi_open(txn, "events", MDB_CREATE, &dbi_) == 0 && mdb_txn_commit(txn) == 0;
  }
  ~RawLmdb() {
    if (env_) mdb_env_close(env_);
  }
  bool ok() const { return ok_; }

  // Puts `count` records of `size` bytes with MDB_APPEND, committing every `batch`.
  // Returns per-commit latencies in microseconds.
  std::vector<double> append(std::uint64_t count, std::size_t size, std::uint64_t batch) {
    std::vector<double> lat;
    std::string value(size, 'r');
    for (std::uint64_t done = 0; done < count && ok_;) {
      auto t0 = Clock::now();
      MDB_txn* txn = nullptr;
      if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return ok_ = false, lat;
      for (std::uint64_t i = 0; i < batch && done < count; ++i, ++done) {
        std::uint64_t be = __builtin_bswap64(++seq_);
        std::memcpy(value.data(), &be, sizeof be);  // distinct bytes per record
        MDB_val k{sizeof be, &be}, v{value.size(), value.data()};
        if (mdb_put(txn, dbi_, &k, &v, MDB_APPEND) != 0) return mdb_txn_abort(txn), ok_ = false, lat;
      }
      if (mdb_txn_commit(txn) != 0) return ok_ = false, lat;
      lat.push_back(seconds_since(t0) * 1e6);
    }
    return lat;
  }

  // Reads every record in key order; returns the count.
  std::uint64_t scan(std::uint64_t* bytes) {
    MDB_txn* txn = nullptr;
    MDB_cursor* cur = nullptr;
    std::uint64_t n = 0;
    if (mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn) != 0) return 0;
    mdb_cursor_open(txn, dbi_, &cur);
    MDB_val k, v;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
      *bytes += v.mv_size;
      ++n;
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return n;
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  std::uint64_t seq_ = 0;
  bool ok_ = false;
};

int fail(const char* what, const Status& s) {
  std::fprintf(stderr, "distsync_log_bench: %s: %s\n", what, s.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t appends = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  const std::uint64_t replay_events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  const std::uint64_t latency_n = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2000;
  const fs::path work = make_temp_dir("distsync-log-bench");
  if (work.empty()) return std::perror("mkdtemp"), 1;
  const fs::path replay_dir = argc > 4 && argv[4][0] != 0 ? fs::path(argv[4]) : work / "replay";
  std::printf("distsync_log_bench: appends=%llu replay_events=%llu latency_n=%llu\n",
              static_cast<unsigned long long>(appends), static_cast<unsigned long long>(replay_events),
              static_cast<unsigned long long>(latency_n));

  // Durable appends, 1 and 8 appenders.
  for (int threads : {1, 8}) {
    auto run = run_appenders(work / ("append" + std::to_string(threads)), threads, appends, 1000);
    if (!run.ok()) return fail("append run", run.status());
    RawLmdb raw(work / ("raw" + std::to_string(threads)));
    const auto group = static_cast<std::uint64_t>(std::max(1.0, run->mean_group + 0.5));
    const double cpu0 = process_cpu_seconds();
    auto t0 = Clock::now();
    raw.append(appends, static_cast<std::size_t>(run->mean_record), group);
    const double raw_rate = static_cast<double>(appends) / seconds_since(t0);
    const double raw_cpu_us = (process_cpu_seconds() - cpu0) * 1e6 / static_cast<double>(appends);
    if (!raw.ok()) return fail("raw lmdb", Status::io_error("raw LMDB append failed"));
    const std::string name = "append_" + std::to_string(threads) + "_appenders";
    print_figure(name.c_str(), run->events_per_s, "events/s", raw_rate,
                 threads == 8 ? target_at_least(run->events_per_s, 200000, "200000 events/s") : "");
    std::printf("  (group commit: %.1f appends per transaction, %.0f-byte records; CPU %.2f us per "
                "append, raw LMDB %.2f us per put)\n",
                run->mean_group, run->mean_record, run->cpu_us_per_event, raw_cpu_us);
  }

  // Latency of one synchronous append.
  {
    auto opened = open_log(work / "latency");
    if (!opened.ok()) return fail("open", opened.status());
    std::vector<double> lat;
    for (std::uint64_t i = 0; i < latency_n; ++i) {
      std::vector<EventDraft> one;
      one.push_back(workload_event(kServers + i));
      auto t0 = Clock::now();
      auto r = (*opened)->append(std::move(one));
      lat.push_back(seconds_since(t0) * 1e6);
      if (!r.ok()) return fail("append", r.status());
    }
    std::uint64_t bytes = 0;
    (void)(*opened)->scan_records(1, UINT64_MAX, [&](std::uint64_t, std::string_view r) {
      bytes += r.size();
      return true;
    });
    (*opened)->close();
    RawLmdb raw(work / "raw-latency");
    auto raw_lat = raw.append(latency_n, bytes / std::max<std::uint64_t>(1, latency_n), 1);
    print_figure("sync_append_latency_p50", percentile(lat, 50), "us", percentile(raw_lat, 50));
    print_figure("sync_append_latency_p99", percentile(lat, 99), "us", percentile(raw_lat, 99));
  }

  // Replay of a long log.
  {
    auto opened = open_log(replay_dir);
    if (!opened.ok()) return fail("open", opened.status());
    LmdbEventLog& log = **opened;
    auto t0 = Clock::now();
    if (log.last_seq() < replay_events) {
      Status s = fill_log(log, replay_events);
      if (!s.is_ok()) return fail("build replay log", s);
      std::printf("  (built a %llu-event log in %.1f s)\n",
                  static_cast<unsigned long long>(log.last_seq()), seconds_since(t0));
    }
    const std::uint64_t to = replay_events;
    const auto n = static_cast<double>(std::min(to, log.last_seq()));

    std::uint64_t bytes = 0;
    t0 = Clock::now();
    Status s = log.scan_records(1, to, [&](std::uint64_t, std::string_view r) {
      bytes += r.size();
      return true;
    });
    const double raw_read = n / seconds_since(t0);
    if (!s.is_ok()) return fail("scan", s);

    // The same records through LMDB's own cursor, to show what scan_records itself costs.
    RawLmdb raw(work / "raw-replay");
    raw.append(static_cast<std::uint64_t>(n), static_cast<std::size_t>(static_cast<double>(bytes) / n), 100000);
    std::uint64_t raw_bytes = 0;
    t0 = Clock::now();
    const auto raw_n = static_cast<double>(raw.scan(&raw_bytes));
    const double raw_cursor = raw_n / seconds_since(t0);
    print_figure("scan_records", raw_read, "events/s", raw_cursor);

    t0 = Clock::now();
    std::uint64_t bad = 0;
    s = log.scan_records(1, to, [&](std::uint64_t, std::string_view r) {
      bad += !decode_record(r).ok();
      return true;
    });
    print_figure("replay_decode", n / seconds_since(t0), "events/s", raw_read);

    ProjectedState state;
    t0 = Clock::now();
    s = log.scan_records(1, to, [&](std::uint64_t, std::string_view r) {
      auto e = decode_record(r);
      if (!e.ok()) return ++bad, false;
      apply(state, *e);
      return true;
    });
    const double fold = n / seconds_since(t0);
    print_figure("replay_decode_fold", fold, "events/s", raw_read,
                 target_at_least(fold, 1000000, "1000000 events/s"));

    MapStateTable table;
    t0 = Clock::now();
    s = rebuild(log, to, table);
    if (!s.is_ok()) return fail("rebuild", s);
    print_figure("rebuild_with_saves", n / seconds_since(t0), "events/s", raw_read);
    std::printf("  (%llu records, %.1f MB; %zu state keys after rebuild; %llu undecodable)\n",
                static_cast<unsigned long long>(n), static_cast<double>(bytes) / 1e6,
                table.map().size(), static_cast<unsigned long long>(bad));
    log.close();
  }

  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
