// distsync_startup_bench [EVENTS] [SMALL_EVENTS] [DISTSYNCD]: start-up time and memory of the
// real distsyncd binary on a long log.
//
// Builds, in temp data dirs, logs of 0, SMALL_EVENTS (default 1,000) and EVENTS (default
// 1,000,000) workload events the way a live daemon would have left them (the projections are
// the log's Folder, so their state is persisted beside the events). For each it starts
// DISTSYNCD (default: the distsyncd built with this benchmark) twice and measures
//   ready   wall time from fork() to the "distsyncd ready" line on stdout (the second start,
//           page cache warm; the first is printed too). Baseline: the empty log.
//   rss     VmRSS from /proc/<pid>/status right after the ready line. Baseline: SMALL_EVENTS.
// then stops it with SIGTERM. Targets: ready <= 1 s; RSS does not grow with log length
// (ratio ~1). Not a test.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "bench/bench_workload.h"
#include "events/log/lmdb_event_log.h"
#include "projections/projection_set.h"

#ifndef DISTSYNC_BENCH_DISTSYNCD
#define DISTSYNC_BENCH_DISTSYNCD "distsyncd"
#endif

namespace {

using namespace distsync;
using namespace distsync::bench;
namespace fs = std::filesystem;

constexpr const char* kConsole = "bench-console";

Status build_data_dir(const fs::path& data_dir, std::uint64_t events) {
  ProjectionSet projections;
  LmdbLogOptions o;
  o.dir = (data_dir / "log").string();
  o.console = kConsole;
  o.initial_map_bytes = std::size_t{1} << 30;
  o.folder = &projections;
  auto log = LmdbEventLog::open(o);
  if (!log.ok()) return log.status();
  Status s = fill_log(**log, events);
  (*log)->close();
  return s;
}

struct Start {
  double ready_s = 0;
  double rss_mb = 0;
  std::string error;
};

double status_field_mb(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::strtod(line.c_str() + std::strlen(field) + 1, nullptr) / 1024.0;
  }
  return 0;
}

// Starts distsyncd on `data_dir`, waits for its ready line, samples its memory, stops it.
Start start_daemon(const std::string& distsyncd, const fs::path& data_dir) {
  Start st;
  int out[2];
  if (pipe(out) != 0) return st.error = "pipe failed", st;
  const std::string dir = data_dir.string(), err = (data_dir / "stderr.txt").string();
  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    FILE* e = std::fopen(err.c_str(), "w");
    if (e) dup2(fileno(e), 2);
    close(out[0]);
    execl(distsyncd.c_str(), distsyncd.c_str(), "--data-dir", dir.c_str(), "--console", kConsole,
          "--log-level", "warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  char buf[512];
  for (;;) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    if (seen.find("distsyncd ready") != std::string::npos && seen.find('\n') != std::string::npos) break;
  }
  st.ready_s = seconds_since(t0);
  if (seen.find("distsyncd ready") == std::string::npos) {
    std::ifstream in(err);
    std::getline(in, st.error);
    st.error = "no ready line from " + distsyncd + (st.error.empty() ? "" : ": " + st.error);
  } else {
    st.rss_mb = status_field_mb(pid, "VmRSS:");
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out[0]);
  return st;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::uint64_t small = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  const std::string distsyncd = argc > 3 ? argv[3] : DISTSYNC_BENCH_DISTSYNCD;
  const fs::path work = make_temp_dir("distsync-startup-bench");
  if (work.empty()) return std::perror("mkdtemp"), 1;
  std::printf("distsync_startup_bench: events=%llu small=%llu\n",
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(small));

  std::vector<std::pair<std::uint64_t, Start>> results;
  for (std::uint64_t n : {std::uint64_t{0}, small, events}) {
    const fs::path dir = work / ("d" + std::to_string(n));
    auto t0 = Clock::now();
    Status s = build_data_dir(dir, n);
    if (!s.is_ok()) return std::fprintf(stderr, "build log: %s\n", s.to_string().c_str()), 1;
    const double built = seconds_since(t0);
    Start first = start_daemon(distsyncd, dir);
    Start second = first.error.empty() ? start_daemon(distsyncd, dir) : first;
    if (!second.error.empty()) {
      std::fprintf(stderr, "distsync_startup_bench: %s\n", second.error.c_str());
      return 1;
    }
    std::printf("  (%llu-event log built in %.1f s; first start %.1f ms, %.1f MB)\n",
                static_cast<unsigned long long>(n), built, first.ready_s * 1e3, first.rss_mb);
    results.push_back({n, second});
  }
  const Start& empty = results[0].second;
  const Start& few = results[1].second;
  const Start& many = results[2].second;
  char name[64];
  std::snprintf(name, sizeof name, "ready_%llu_events", static_cast<unsigned long long>(small));
  print_figure(name, few.ready_s * 1e3, "ms", empty.ready_s * 1e3);
  std::snprintf(name, sizeof name, "ready_%llu_events", static_cast<unsigned long long>(events));
  print_figure(name, many.ready_s * 1e3, "ms", empty.ready_s * 1e3,
               target_at_most(many.ready_s, 1.0, "1000 ms"));
  std::snprintf(name, sizeof name, "rss_%llu_events", static_cast<unsigned long long>(events));
  print_figure(name, many.rss_mb, "MB", few.rss_mb,
               target_at_most(many.rss_mb / few.rss_mb, 1.2, "1.2x the small log"));
  std::printf("  (rss with the empty log %.1f MB; baseline of ready is the empty log, of rss the %llu-event log)\n",
              empty.rss_mb, static_cast<unsigned long long>(small));
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
