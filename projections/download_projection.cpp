#include "projections/download_projection.h"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

namespace distsync {

std::vector<const DownloadRecord*> DownloadState::running() const {
  std::vector<const DownloadRecord*> out;
  for (const auto& [id, d] : downloads.items()) {
    if (d.status == "running") out.push_back(&d);
  }
  return out;
}

bool DownloadState::read_finished(StateTable& table, const std::string& id, DownloadRecord* out) {
  return EntityStore<DownloadRecord>::read(table, "download-done/", id, out);
}

void DownloadState::scan_finished(StateTable& table,
                                  const std::function<bool(const DownloadRecord&)>& fn) {
  EntityStore<DownloadRecord>::scan(table, "download-done/", fn);
}

void apply(DownloadState& state, const Event& e) {
  if (const auto* changed = e.as<DownloadSourceChanged>()) {
    state.sources.put(changed->kind, DownloadSource{changed->kind, changed->source});
    return;
  }
  if (const auto* s = e.as<DownloadStarted>()) {
    DownloadRecord d;
    d.id = e.correlation;
    d.kind = s->kind;
    d.source = s->source;
    d.console = e.console;
    d.trigger = s->trigger;
    d.schedule_id = s->schedule_id;
    d.only = s->only;
    d.started_us = e.time_us;
    state.downloads.put(d.id, d);
    return;
  }
  DownloadRecord* d = state.downloads.find_mutable(e.correlation);
  if (d == nullptr) return;
  if (const auto* c = e.as<DownloadCompleted>()) {
    d->status = "completed";
    d->finished_us = e.time_us;
    d->files_fetched = c->files_fetched;
    d->files_skipped = c->files_skipped;
    d->bytes_fetched = c->bytes_fetched;
    state.downloads.evict(e.correlation);
  } else if (const auto* f = e.as<DownloadFailed>()) {
    d->status = "failed";
    d->finished_us = e.time_us;
    d->files_fetched = f->files_fetched;
    d->bytes_fetched = f->bytes_fetched;
    d->reason = f->reason;
    state.downloads.evict(e.correlation);
  }
}

}  // namespace distsync
