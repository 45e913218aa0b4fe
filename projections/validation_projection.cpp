#include "projections/validation_projection.h"

namespace distsync {

void apply(ValidationState& state, const JobState& jobs, const Event& e) {
  if (const auto* v = e.as<ValidationCompleted>()) {
    if (!v->error.empty()) return;  // an unreadable server proves nothing about its files
    ValidationRecord r;
    r.server = v->server;
    r.id = e.correlation;
    r.time_us = e.time_us;
    r.ok = v->ok;
    r.mismatched = v->mismatched;
    r.missing = v->missing;
    r.extra = v->extra;
    r.corrupt.insert(v->mismatched_paths.begin(), v->mismatched_paths.end());
    r.missing_paths.insert(v->missing_paths.begin(), v->missing_paths.end());
    state.latest.put(v->server, std::move(r));
  } else if (const auto* c = e.as<FileCopied>()) {
    const JobRecord* job = jobs.find(e.correlation);
    if (job == nullptr) return;
    const ValidationRecord* r = state.latest.find(job->server);
    if (r == nullptr || (!r->corrupt.count(c->path) && !r->missing_paths.count(c->path))) return;
    ValidationRecord* m = state.latest.find_mutable(job->server);
    m->corrupt.erase(c->path);
    m->missing_paths.erase(c->path);
  } else if (const auto* s = e.as<ServerRemoved>()) {
    state.latest.erase(s->name);
  }
}

}  // namespace distsync
