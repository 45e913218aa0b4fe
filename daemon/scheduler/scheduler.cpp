#include "daemon/scheduler/scheduler.h"

#include <algorithm>
#include <chrono>

namespace distsync {

Scheduler::Scheduler(EventLog& log, ProjectionSet& projections, SchedulerOptions options)
    : log_(log), projections_(projections), options_(std::move(options)) {}

Scheduler::~Scheduler() { stop(); }

Result<FireOutcome> Scheduler::tick() {
  FireOutcome outcome;
  const std::int64_t now = options_.clock_us();
  DownloadSources sources = options_.download_sources ? options_.download_sources() : DownloadSources{};
  auto r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
    outcome = FireOutcome{};  // the command may run again after the log grows its map
    return projections_.with_state([&](const ProjectedState& s) {
      return decide_fire_due(s, options_.console, now, options_.grace_us, sources, out, &outcome);
    });
  });
  if (!r.ok()) return r.status();
  if (options_.on_started && !outcome.started.empty()) options_.on_started(outcome.started);
  return outcome;
}

void Scheduler::start() {
  thread_ = std::thread([this] { run(); });
}

void Scheduler::wake() {
  {
    MutexLock lock(&mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Scheduler::stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
  constexpr std::int64_t kMaxWaitUs = 60'000'000;
  for (;;) {
    (void)projections_.refresh(log_);
    (void)tick();
    std::int64_t now = options_.clock_us();
    std::int64_t wait_us = kMaxWaitUs;
    if (auto due = projections_.with_state(
            [&](const ProjectedState& s) { return next_due(s, options_.console); })) {
      wait_us = std::clamp<std::int64_t>(*due - now, 0, kMaxWaitUs);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(wait_us);
    MutexLock lock(&mu_);
    while (!stopping_ && !woken_ && cv_.wait_until(&mu_, deadline)) {
    }
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace distsync
