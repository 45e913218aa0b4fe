#include "daemon/downloads/download_service.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <vector>

#include "daemon/downloads/download_outcome.h"
#include "daemon/fetch/fetcher.h"
#include "daemon/supervision/supervisor.h"
#include "events/mutex.h"

namespace distsync {
namespace {

// One running download's thread and what other threads may tell it.
struct Slot {
  std::atomic<bool> cancel{false};              // stops the fetch (stop() or cancel())
  std::atomic<bool> operator_cancelled{false};  // the cancel is an outcome, not a stop
  mutable Mutex mu;
  ProgressMeter meter GUARDED_BY(mu);
};

}  // namespace

class DownloadService::Impl {
 public:
  using Slots = Supervisor<Slot>::Units;

  Impl(EventLog& log, const ProjectionSet& projections, DownloadServiceOptions options)
      : log_(log),
        projections_(projections),
        options_(std::move(options)),
        supervisor_(
            log, options_.poll, [this](Slots& slots) { start_running_downloads(slots); },
            [](Slots& slots) { slots.for_each([](const std::string&, Slot& s) { s.cancel = true; }); }) {}

  ~Impl() { stop(); }

  void start() { supervisor_.start(); }
  void stop() { supervisor_.stop(); }

  Status cancel(const std::string& id) {
    // Under the supervisor's lock, so it cannot give the download a thread between our look
    // and our append.
    return supervisor_.with_units([&](Slots& slots) -> Status {
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
      if (Slot* slot = slots.find(id)) {
        slot->operator_cancelled = true;
        slot->cancel = true;
        return Status::ok();
      }
      return append_end(id, DownloadFailed{"cancelled by the operator", 0, 0, true});
    });
  }

  std::optional<DownloadProgress> progress(const std::string& id) {
    return supervisor_.with_units([&](Slots& slots) -> std::optional<DownloadProgress> {
      Slot* slot = slots.find(id);
      if (slot == nullptr) return std::nullopt;
      MutexLock slot_lock(&slot->mu);
      return slot->meter.snapshot();
    });
  }

  const std::string& destination(const std::string& kind) const {
    return kind == "refresh" ? options_.datafiles_dir : options_.patches_dir;
  }

 private:
  // Every running download of ours without a thread gets one. Runs on the supervisor thread.
  void start_running_downloads(Slots& slots) {
    std::vector<DownloadRecord> runnable = projections_.with_state([&](const ProjectedState& s) {
      std::vector<DownloadRecord> out;
      for (const DownloadRecord* d : s.downloads.running()) {
        if (d->console == options_.console) out.push_back(*d);
      }
      return out;
    });
    for (DownloadRecord& d : runnable) {
      if (slots.has(d.id)) continue;
      first_pass_
          ? spdlog::info("download {} ({}) was running at the last stop: resuming", d.id, d.kind)
          : spdlog::info("download {} ({}) from {} started", d.id, d.kind, d.source);
      std::string id = d.id;
      slots.launch(std::move(id), std::make_shared<Slot>(),
                   [this, record = std::move(d)](Slot& slot) { run(slot, record); });
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
  bool first_pass_ = true;  // the supervisor thread's only
  Supervisor<Slot> supervisor_;
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
