// Shared helpers of the benchmarks: a deterministic, realistic event workload, temp dirs,
// timing and the one-line figure format.
//
// The workload is what a busy console writes: a few servers registered, then finished sync
// jobs of 50 events each (SyncQueued, SyncStarted, 47 FileCopied, SyncCompleted). Every job
// ends, so a daemon started on such a log has no work to resume. Event i is a pure function
// of i. Header-only; not thread-safe beyond what each function says.
#pragma once

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/log/event_log.h"
#include "events/server_events.h"
#include "events/sync_events.h"

namespace distsync::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

inline constexpr std::uint64_t kServers = 17;
inline constexpr std::uint64_t kJobEvents = 50;

// Event number i (0-based) of the workload.
inline EventDraft workload_event(std::uint64_t i) {
  if (i < kServers) {
    ServerSpec spec;
    spec.name = "dist-" + std::to_string(i);
    spec.root_path = "/srv/share/dist-" + std::to_string(i);
    spec.description = "benchmark server";
    return {"", ServerAdded{spec}};
  }
  const std::uint64_t k = i - kServers, job = k / kJobEvents, step = k % kJobEvents;
  const std::string correlation = "job-" + std::to_string(job);
  const std::string server = "dist-" + std::to_string(job % kServers);
  if (step == 0) return {correlation, SyncQueued{server, "patches", "schedule", "sch-1", false, false}};
  if (step == 1) return {correlation, SyncStarted{kJobEvents - 3, (kJobEvents - 3) * 65536, 100, 1}};
  if (step == kJobEvents - 1) {
    return {correlation, SyncCompleted{kJobEvents - 3, (kJobEvents - 3) * 65536, 100, 0, 0}};
  }
  FileCopied f;
  f.path = "Patches/windows10.0-kb" + std::to_string(4000000 + k % 1000003) + "-x64.msu";
  f.size = 4096 + k % 65536;
  f.mtime_ns = 1765000000000000000 + static_cast<std::int64_t>(k);
  f.sha256 = std::string(64, "0123456789abcdef"[k % 16]);
  return {correlation, f};
}

// Appends workload events until the log holds `events`, in batches of `batch`.
inline Status fill_log(EventLog& log, std::uint64_t events, std::uint64_t batch = 10000) {
  for (std::uint64_t done = log.last_seq(); done < events;) {
    std::vector<EventDraft> drafts;
    for (std::uint64_t i = done; i < events && i < done + batch; ++i) drafts.push_back(workload_event(i));
    auto r = log.append(std::move(drafts));
    if (!r.ok()) return r.status();
    done = r->last_seq;
  }
  return Status::ok();
}

// CPU seconds (user + system) this process has used so far, all threads. Unlike wall-clock
// rates, CPU per event depends little on how busy the machine is.
inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A fresh directory under the system temp dir; empty on failure.
inline std::filesystem::path make_temp_dir(const char* stem) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(stem) + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) return {};
  return tmpl;
}

// Percentile (0..100) of `v`; sorts v.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

// "name  value unit  (baseline X unit, ratio Y)[  target]"
inline void print_figure(const char* name, double value, const char* unit, double baseline,
                         const std::string& target = "") {
  std::printf("%-28s %12.1f %-9s (baseline %.1f %s, ratio %.2f)%s%s\n", name, value, unit,
              baseline, unit, baseline != 0 ? value / baseline : 0.0, target.empty() ? "" : "  ",
              target.c_str());
  std::fflush(stdout);
}

// "target >= X: met|MISSED"
inline std::string target_at_least(double value, double goal, const char* what) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "[target >= %s: %s]", what, value >= goal ? "met" : "MISSED");
  return buf;
}
inline std::string target_at_most(double value, double goal, const char* what) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "[target <= %s: %s]", what, value <= goal ? "met" : "MISSED");
  return buf;
}

}  // namespace distsync::bench
