#include "projections/projection_set.h"

#include <charconv>

#include "events/codec.h"

namespace distsync {
namespace {
const char kSeqKey[] = "proj-meta/seq";
}

void apply(ProjectedState& state, const Event& e) {
  apply(state.servers, e);
  apply(state.schedules, e);
  apply(state.validations, state.jobs, e);  // before the jobs: a finished job is evicted
  apply(state.jobs, e);
  apply(state.groups, e);
  apply(state.downloads, e);
  apply(state.history, e);
  apply(state.agents, e);
  state.seq = e.seq;
}

// Persists what changed since the last save. The result does not depend on how events were
// grouped between saves.
static void save_changes(ProjectedState& s, StateTable& table) {
  s.servers.servers.save(table);
  s.schedules.schedules.save(table);
  s.jobs.save(table);
  s.downloads.downloads.save(table);
  s.downloads.sources.save(table);
  s.history.save(table);
  s.groups.groups.save(table);
  s.validations.latest.save(table);
  s.agents.agents.save(table);
  table.put(kSeqKey, std::to_string(s.seq));
}

void ProjectionSet::load(StateTable& table) {
  state_ = ProjectedState{};
  if (auto v = table.get(kSeqKey)) {
    std::from_chars(v->data(), v->data() + v->size(), state_.seq);
  }
  state_.servers.servers.load(table);
  state_.schedules.schedules.load(table);
  state_.jobs.load(table);
  state_.downloads.downloads.load(table);
  state_.downloads.sources.load(table);
  state_.history.load(table);
  state_.groups.groups.load(table);
  state_.validations.latest.load(table);
  state_.agents.agents.load(table);
  loaded_ = true;
}

std::uint64_t ProjectionSet::sync(std::uint64_t head, StateTable& table) {
  {
    MutexLock lock(&mu_);
    writing_ = true;
    writer_ = std::this_thread::get_id();
    ++transactions_;
  }
  return sync_to(head, table);
}

std::uint64_t ProjectionSet::sync_to(std::uint64_t head, StateTable& table) {
  MutexLock lock(&mu_);
  if (!loaded_ || state_.seq != head) load(table);
  return state_.seq;
}

void ProjectionSet::committed() {
  {
    MutexLock lock(&mu_);
    writing_ = false;
  }
  settled_.notify_all();
}

void ProjectionSet::apply(const Event& e) {
  MutexLock lock(&mu_);
  distsync::apply(state_, e);
}

void ProjectionSet::save(StateTable& table) {
  MutexLock lock(&mu_);
  save_changes(state_, table);
}

void ProjectionSet::discard() {
  MutexLock lock(&mu_);
  loaded_ = false;  // the next sync() reloads what is persisted
}

Status ProjectionSet::refresh(EventLog& log) {
  std::uint64_t at = 0, head = 0;
  Status s = log.read_state([&](std::uint64_t h, StateTable& table) {
    head = h;
    at = sync_to(h, table);
  });
  if (!s.is_ok() || at >= head) return s;
  Status bad = Status::ok();
  s = log.scan_records(at + 1, head, [&](std::uint64_t seq, std::string_view record) {
    auto e = decode_record(record);
    if (!e.ok()) {
      bad = Status::corruption("event " + std::to_string(seq) + ": " + e.status().message());
      return false;
    }
    // The log's writer may fold or reload concurrently; fold only the very next event.
    MutexLock lock(&mu_);
    if (e->seq == state_.seq + 1) distsync::apply(state_, *e);
    return true;
  });
  return s.is_ok() ? bad : s;
}

Status rebuild(EventLog& log, std::uint64_t to_seq, StateTable& out, ProjectedState* state) {
  ProjectedState local;
  ProjectedState& s = state ? *state : local;
  Status bad = Status::ok();
  std::uint64_t since_save = 0;
  Status scanned = log.scan_records(1, to_seq, [&](std::uint64_t seq, std::string_view record) {
    auto e = decode_record(record);
    if (!e.ok()) {
      bad = Status::corruption("event " + std::to_string(seq) + ": " + e.status().message());
      return false;
    }
    apply(s, *e);
    // What is persisted does not depend on how events were grouped into transactions, so
    // saving every few thousand events only bounds memory.
    if (++since_save >= 4096) {
      save_changes(s, out);
      since_save = 0;
    }
    return true;
  });
  if (!scanned.is_ok()) return scanned;
  if (!bad.is_ok()) return bad;
  save_changes(s, out);
  return Status::ok();
}

}  // namespace distsync
