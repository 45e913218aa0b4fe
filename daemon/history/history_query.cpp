#include "daemon/history/history_query.h"

#include <algorithm>
#include <set>

#include "daemon/history/as_of.h"
#include "daemon/history/event_summary.h"
#include "events/catalog.h"
#include "projections/history_index.h"

namespace distsync {
namespace {

using nlohmann::json;

// Seqs under an index prefix within [lo, hi], ascending. Reads keys only.
std::vector<std::uint64_t> indexed(StateTable& table, const std::string& prefix, std::uint64_t lo,
                                   std::uint64_t hi) {
  std::vector<std::uint64_t> out;
  table.scan(prefix, [&](std::string_view key, std::string_view) {
    if (key.size() != prefix.size() + 8) return true;  // a longer id sharing the prefix
    std::uint64_t seq = HistoryIndex::seq_from_suffix(key);
    if (seq > hi) return false;
    if (seq >= lo) out.push_back(seq);
    return true;
  });
  return out;
}

std::vector<std::uint64_t> intersect(const std::vector<std::uint64_t>& a,
                                     const std::vector<std::uint64_t>& b) {
  std::vector<std::uint64_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// Reads the events at `seqs` (ascending), coalescing runs of consecutive seqs into one read.
Status read_seqs(EventLog& log, const std::vector<std::uint64_t>& seqs, std::vector<Event>* out) {
  std::size_t i = 0;
  while (i < seqs.size()) {
    std::size_t j = i + 1;
    while (j < seqs.size() && seqs[j] == seqs[j - 1] + 1) ++j;
    auto events = log.read(seqs[i], seqs[j - 1], j - i);
    if (!events.ok()) return events.status();
    for (Event& e : *events) out->push_back(std::move(e));
    i = j;
  }
  return Status::ok();
}

Result<std::optional<std::int64_t>> time_arg(const json& args, const char* key, const char* us_key,
                                             std::int64_t now_us, const std::string& zone) {
  if (auto it = args.find(us_key); it != args.end()) {
    if (!it->is_number_integer())
      return Status::invalid_argument(std::string(us_key) + " must be an integer");
    return std::optional<std::int64_t>(it->get<std::int64_t>());
  }
  auto it = args.find(key);
  if (it == args.end()) return std::optional<std::int64_t>();
  if (!it->is_string()) return Status::invalid_argument(std::string(key) + " must be a string");
  auto t = parse_time_arg(it->get<std::string>(), now_us, zone);
  if (!t.ok()) return t.status();
  return std::optional<std::int64_t>(*t);
}

}  // namespace

Result<HistoryFilter> parse_history_filter(const json& args, std::int64_t now_us,
                                           const std::string& zone) {
  if (!args.is_object())
    return Status::invalid_argument("history.query arguments must be an object");
  static const char* kKnown[] = {"server", "job",      "schedule", "console",   "type",  "since",
                                 "until",  "since_us", "until_us", "after_seq", "limit", "newest",
                                 "before_seq"};
  for (const auto& [key, value] : args.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return Status::invalid_argument("unknown history filter '" + key + "'");
    }
  }
  HistoryFilter f;
  for (auto [key, field] : {std::pair{"server", &f.server}, std::pair{"job", &f.job},
                            std::pair{"schedule", &f.schedule}, std::pair{"console", &f.console},
                            std::pair{"type", &f.type}}) {
    auto it = args.find(key);
    if (it == args.end()) continue;
    if (!it->is_string() || it->get<std::string>().empty()) {
      return Status::invalid_argument(std::string(key) + " must be a non-empty string");
    }
    *field = it->get<std::string>();
  }
  if (f.type && !make_payload(*f.type)) {
    return Status::invalid_argument("unknown event type '" + *f.type + "'; see docs/events.md");
  }
  auto since = time_arg(args, "since", "since_us", now_us, zone);
  if (!since.ok()) return since.status();
  f.since_us = *since;
  auto until = time_arg(args, "until", "until_us", now_us, zone);
  if (!until.ok()) return until.status();
  f.until_us = *until;
  if (auto it = args.find("after_seq"); it != args.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      return Status::invalid_argument("after_seq must be a non-negative integer");
    }
    f.after_seq = it->get<std::uint64_t>();
  }
  if (auto it = args.find("before_seq"); it != args.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      return Status::invalid_argument("before_seq must be a non-negative integer");
    }
    f.before_seq = it->get<std::uint64_t>();
  }
  if (auto it = args.find("limit"); it != args.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
      return Status::invalid_argument("limit must be a positive integer");
    }
    f.limit = static_cast<std::size_t>(
        std::min<std::uint64_t>(it->get<std::uint64_t>(), kMaxHistoryLimit));
  }
  if (auto it = args.find("newest"); it != args.end()) {
    if (!it->is_boolean()) return Status::invalid_argument("newest must be true or false");
    f.newest = it->get<bool>();
  }
  return f;
}

bool history_matches(const HistoryFilter& f, const Event& e) {
  if (f.console && e.console != *f.console) return false;
  if (f.type && e.type() != *f.type) return false;
  if (f.job && e.correlation != *f.job) return false;
  if (f.schedule) {
    const auto* q = e.as<SyncQueued>();
    if (e.correlation != *f.schedule && !(q && q->schedule_id == *f.schedule)) return false;
  }
  if (f.server && event_server(e) != *f.server) return false;  // live: direct mentions only
  if (f.since_us && e.time_us < *f.since_us) return false;
  if (f.until_us && e.time_us >= *f.until_us) return false;
  if (f.before_seq && e.seq >= f.before_seq) return false;
  return e.seq > f.after_seq;
}

Result<HistoryPage> query_history(EventLog& log, const HistoryFilter& f) {
  HistoryPage page;
  std::vector<std::uint64_t> seqs;
  bool use_index = f.job || f.schedule || f.server || f.type;
  std::uint64_t lo = f.after_seq + 1, hi = 0;
  // Time bounds first: seq_at_time opens its own read transaction.
  std::uint64_t time_lo = 1, time_hi = UINT64_MAX;
  if (f.since_us) {
    auto first = log.seq_at_time(*f.since_us);
    if (!first.ok()) return first.status();
    time_lo = *first;
  }
  if (f.until_us) {
    auto first_after = log.seq_at_time(*f.until_us);
    if (!first_after.ok()) return first_after.status();
    time_hi = *first_after - 1;
  }
  lo = std::max(lo, time_lo);
  // One consistent head for the index: it is written in the same transaction as the events,
  // so every seq it names up to `head` is readable.
  Status read = log.read_state([&](std::uint64_t head, StateTable& table) {
    page.head = head;
    hi = std::min(head, time_hi);
    if (f.before_seq) hi = std::min(hi, f.before_seq - 1);
    if (!use_index || lo > hi) return;
    std::optional<std::vector<std::uint64_t>> acc;
    auto narrow = [&](std::vector<std::uint64_t> next) {
      acc = acc ? intersect(*acc, next) : std::move(next);
    };
    if (f.job) narrow(indexed(table, "idx/job/" + *f.job + "/", lo, hi));
    if (f.server) narrow(indexed(table, "idx/server/" + *f.server + "/", lo, hi));
    if (f.type) narrow(indexed(table, "idx/type/" + *f.type + "/", lo, hi));
    if (f.schedule) {
      // The schedule's own events, plus the SyncQueued events naming it (checked on read).
      std::vector<std::uint64_t> own = indexed(table, "idx/job/" + *f.schedule + "/", lo, hi);
      std::vector<std::uint64_t> queued = indexed(table, "idx/type/SyncQueued/", lo, hi);
      std::vector<std::uint64_t> both;
      std::set_union(own.begin(), own.end(), queued.begin(), queued.end(),
                     std::back_inserter(both));
      narrow(std::move(both));
    }
    seqs = std::move(*acc);
  });
  if (!read.is_ok()) return read;
  if (lo > hi) return page;

  const std::size_t chunk = 512;
  // The server index also holds the later events of a job that named the server only in its
  // SyncQueued; those pass on the index's word, not on event_server().
  HistoryFilter rest = f;
  if (use_index) rest.server.reset();
  auto matches = [&rest](const Event& e) { return history_matches(rest, e); };

  std::vector<Event> found;
  if (use_index) {
    if (!f.newest) {
      for (std::size_t i = 0; i < seqs.size() && found.size() <= f.limit; i += chunk) {
        std::vector<std::uint64_t> part(seqs.begin() + i,
                                        seqs.begin() + std::min(seqs.size(), i + chunk));
        std::vector<Event> batch;
        Status r = read_seqs(log, part, &batch);
        if (!r.is_ok()) return r;
        for (Event& e : batch) {
          if (matches(e)) found.push_back(std::move(e));
        }
      }
    } else {
      for (std::size_t end = seqs.size(); end > 0 && found.size() <= f.limit;) {
        std::size_t begin = end > chunk ? end - chunk : 0;
        std::vector<std::uint64_t> part(seqs.begin() + begin, seqs.begin() + end);
        std::vector<Event> batch;
        Status r = read_seqs(log, part, &batch);
        if (!r.is_ok()) return r;
        for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
          if (matches(*it)) found.push_back(std::move(*it));
        }
        end = begin;
      }
      std::reverse(found.begin(), found.end());
    }
  } else if (!f.newest) {
    for (std::uint64_t from = lo; from <= hi && found.size() <= f.limit;) {
      std::uint64_t to = std::min(hi, from + chunk - 1);
      auto batch = log.read(from, to, chunk);
      if (!batch.ok()) return batch.status();
      for (Event& e : *batch) {
        if (matches(e)) found.push_back(std::move(e));
      }
      from = to + 1;
    }
  } else {
    for (std::uint64_t to = hi; to >= lo && found.size() <= f.limit;) {
      std::uint64_t from = to - lo + 1 > chunk ? to - chunk + 1 : lo;
      auto batch = log.read(from, to, chunk);
      if (!batch.ok()) return batch.status();
      for (auto it = batch->rbegin(); it != batch->rend(); ++it) {
        if (matches(*it)) found.push_back(std::move(*it));
      }
      if (from == lo) break;
      to = from - 1;
    }
    std::reverse(found.begin(), found.end());
  }
  if (found.size() > f.limit) {
    page.more = true;
    if (f.newest) {
      found.erase(found.begin(),
                  found.begin() + static_cast<std::ptrdiff_t>(found.size() - f.limit));
    } else {
      found.resize(f.limit);
    }
  }
  page.events = std::move(found);
  Status named = servers_of_correlations(log, page.events, &page.servers);
  if (!named.is_ok()) return named;
  return page;
}

Status servers_of_correlations(EventLog& log, const std::vector<Event>& events,
                               std::map<std::string, std::string>* servers) {
  // Jobs name their server only in SyncQueued, so FileCopied, SyncStarted, SyncCompleted...
  // learn it from the first event filed under their correlation id.
  std::set<std::string> wanted;
  for (const Event& e : events) {
    if (!e.correlation.empty() && event_server(e).empty() && !servers->count(e.correlation)) {
      wanted.insert(e.correlation);
    }
  }
  if (wanted.empty()) return Status::ok();
  std::vector<std::pair<std::string, std::uint64_t>> firsts;
  Status read = log.read_state([&](std::uint64_t, StateTable& table) {
    for (const std::string& id : wanted) {
      auto seqs = HistoryIndex::lookup(table, "idx/job/" + id + "/", 1);
      if (!seqs.empty()) firsts.emplace_back(id, seqs.front());
    }
  });
  if (!read.is_ok()) return read;
  for (const auto& [id, seq] : firsts) {
    auto first = log.read(seq, seq, 1);
    if (!first.ok()) return first.status();
    if (first->empty()) continue;
    std::string server = event_server(first->front());
    if (!server.empty()) (*servers)[id] = std::move(server);
  }
  return Status::ok();
}

Result<std::vector<Event>> events_of_job(EventLog& log, const std::string& id) {
  std::vector<std::uint64_t> seqs;
  Status read = log.read_state([&](std::uint64_t head, StateTable& table) {
    seqs = indexed(table, "idx/job/" + id + "/", 1, head);
  });
  if (!read.is_ok()) return read;
  std::vector<Event> events;
  Status s = read_seqs(log, seqs, &events);
  if (!s.is_ok()) return s;
  return events;
}

}  // namespace distsync
