#include "daemon/downloads/download_service.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "daemon/downloads/download_outcome.h"
#include "daemon/fetch/fetcher.h"
#include "events/mutex.h"

namespace distsync {
namespace {

// One running download's thread and what other threads may tell it.
struct Slot {
  std::atomic<bool> cancel{false};              // stops the fetch (stop() or cancel())
  std::atomic<bool> operator_cancelled{false};  // the cancel is an outcome, not a stop
  std::atomic<bool> done{false};
  mutable Mutex mu;
  ProgressMeter meter GUARDED_BY(mu);
  std::thread thread;
};

}  // namespace

class DownloadService::Impl {
 public:
  Impl(EventLog& log, const ProjectionSet& projections, DownloadServiceOptions options)
      : log_(log), projections_(projections), options_(std::move(options)) {}

  ~Impl() { stop(); }

  void start() {
    supervisor_ = std::thread([this] { supervise(); });
  }

  void stop() {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
      for (auto& [id, slot] : slots_) slot->cancel = true;
    }
    if (supervisor_.joinable()) supervisor_.join();
    std::map<std::string, std::shared_ptr<Slot>> slots;
    {
      MutexLock lock(&mu_);
      slots.swap(slots_);
    }
    for (auto& [id, slot] : slots) {
      if (slot->thread.joinable()) slot->thread.join();
    }
  }

  Status cancel(const std::string& id) {
    // Under mu_ so the supervisor cannot give the download a thread between our look and our
    // append (it re-reads the projection under mu_ too).
    MutexLock lock(&mu_);
    Status known = projections_.with_state([&](const ProjectedState& s) -> Status {
      const DownloadRecord* d = s.downloads.find(id);
      if (d == nullptr || d->status != "running") {
        return Status::not_found("no running download '" + id +
                                 "'; list them with 'distsync download list'");
      }
      if (d->console != options_.console) {
        return Status::conflict("download '" + id + "' belongs to console '" + d->console +
                                "'; cancel it there");
      }
      return Status::ok();
    });
    if (!known.is_ok()) return known;
    auto it = slots_.find(id);
    if (it != slots_.end()) {
      it->second->operator_cancelled = true;
      it->second->cancel = true;
      return Status::ok();
    }
    return append_end(id, DownloadFailed{"cancelled by the operator", 0, 0, true});
  }

  std::optional<DownloadProgress> progress(const std::string& id) const {
    MutexLock lock(&mu_);
    auto it = slots_.find(id);
    if (it == slots_.end()) return std::nullopt;
    MutexLock slot_lock(&it->second->mu);
    return it->second->meter.snapshot();
  }

  const std::string& destination(const std::string& kind) const {
    return kind == "refresh" ? options_.datafiles_dir : options_.patches_dir;
  }

 private:
  void supervise() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        MutexLock lock(&mu_);
        if (stopping_) return;
      }
      reap();
      start_running_downloads();
      seen = log_.wait_for_append(seen, options_.poll);
    }
  }

  void reap() {
    std::vector<std::shared_ptr<Slot>> finished;
    {
      MutexLock lock(&mu_);
      for (auto it = slots_.begin(); it != slots_.end();) {
        if (it->second->done) {
          finished.push_back(it->second);
          it = slots_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& slot : finished) slot->thread.join();
  }

  void start_running_downloads() {
    MutexLock lock(&mu_);
    std::vector<DownloadRecord> runnable = projections_.with_state([&](const ProjectedState& s) {
      std::vector<DownloadRecord> out;
      for (const DownloadRecord* d : s.downloads.running()) {
        if (d->console == options_.console) out.push_back(*d);
      }
      return out;
    });
    for (DownloadRecord& d : runnable) {
      if (stopping_) return;
      if (slots_.count(d.id) != 0) continue;  // not in the lambda: clang cannot see mu_ held there
      auto slot = std::make_shared<Slot>();
      slots_[d.id] = slot;
      first_pass_
          ? spdlog::info("download {} ({}) was running at the last stop: resuming", d.id, d.kind)
          : spdlog::info("download {} ({}) from {} started", d.id, d.kind, d.source);
      Slot* raw = slot.get();
      raw->thread = std::thread([this, raw, record = std::move(d)] {
        run(*raw, record);
        raw->done = true;
      });
    }
    first_pass_ = false;
  }

  void run(Slot& slot, const DownloadRecord& d) {
    FetchOptions fetch = options_.fetch;
    fetch.only = d.only;
    fetch.cancel = &slot.cancel;
    fetch.on_progress = [&slot](const FetchProgress& p) {
      MutexLock lock(&slot.mu);
      slot.meter.update(p, ProgressMeter::Clock::now());
    };
    Result<FetchReport> fetched = fetch_all(d.source, destination(d.kind), fetch);
    const bool complete = fetched.ok() && fetched->complete();
    if (!complete && slot.cancel && !slot.operator_cancelled) {
      // A daemon stop, not an outcome: the download stays running and resumes next start.
      spdlog::info("download {} interrupted by stop; it resumes on the next start", d.id);
      return;
    }
    EventPayload end = download_outcome(d.source, fetched, slot.operator_cancelled);
    if (const auto* failed = std::get_if<DownloadFailed>(&end)) {
      spdlog::warn("download {} failed: {}", d.id, failed->reason);
    }
    Status s = append_end(d.id, std::move(end));
    if (!s.is_ok()) spdlog::error("download {}: cannot record its end: {}", d.id, s.message());
  }

  // Appends the final event of `id` unless the log already shows it ended.
  Status append_end(const std::string& id, EventPayload end) {
    Result<AppendResult> r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      bool running = projections_.with_state([&](const ProjectedState& s) {
        const DownloadRecord* d = s.downloads.find(id);
        return d != nullptr && d->status == "running";
      });
      if (running) out->push_back({id, end});
      return Status::ok();
    });
    return r.ok() ? Status::ok() : r.status();
  }

  EventLog& log_;
  const ProjectionSet& projections_;
  const DownloadServiceOptions options_;
  mutable Mutex mu_;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool first_pass_ GUARDED_BY(mu_) = true;
  std::map<std::string, std::shared_ptr<Slot>> slots_ GUARDED_BY(mu_);
  std::thread supervisor_;
};

DownloadService::DownloadService(EventLog& log, const ProjectionSet& projections,
                                 DownloadServiceOptions options)
    : impl_(std::make_unique<Impl>(log, projections, std::move(options))) {}
DownloadService::~DownloadService() = default;

void DownloadService::start() { impl_->start(); }
void DownloadService::stop() { impl_->stop(); }
Status DownloadService::cancel(const std::string& id) { return impl_->cancel(id); }
std::optional<DownloadProgress> DownloadService::progress(const std::string& id) const {
  return impl_->progress(id);
}
const std::string& DownloadService::destination(const std::string& kind) const {
  return impl_->destination(kind);
}

}  // namespace distsync
