#include "projections/history_index.h"

namespace distsync {
namespace {

const std::string* server_of(const Event& e) {
  if (const auto* a = e.as<ServerAdded>()) return &a->server.name;
  if (const auto* ed = e.as<ServerEdited>()) return &ed->server.name;
  if (const auto* r = e.as<ServerRemoved>()) return &r->name;
  if (const auto* sa = e.as<ScheduleAdded>()) return &sa->schedule.server;
  if (const auto* se = e.as<ScheduleEdited>()) return &se->schedule.server;
  if (const auto* q = e.as<SyncQueued>()) return &q->server;
  if (const auto* v = e.as<ValidationCompleted>()) return &v->server;
  return nullptr;
}

}  // namespace

std::string HistoryIndex::seq_suffix(std::uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) k[i] = static_cast<char>(seq & 0xff);
  return k;
}

std::uint64_t HistoryIndex::seq_from_suffix(std::string_view key) {
  std::uint64_t seq = 0;
  if (key.size() < 8) return 0;
  for (char c : key.substr(key.size() - 8)) seq = seq << 8 | static_cast<unsigned char>(c);
  return seq;
}

void HistoryIndex::save(StateTable& table) {
  pending.save(table);
  // job_servers is derived again on load from the job projection's keys; persist it compactly.
  std::string blob;
  for (const auto& [job, server] : job_servers) blob += job + '\t' + server + '\n';
  table.put("idx-meta/job-servers", blob);
}

void HistoryIndex::load(StateTable& table) {
  pending.clear();
  job_servers.clear();
  auto blob = table.get("idx-meta/job-servers");
  if (!blob) return;
  std::size_t pos = 0;
  while (pos < blob->size()) {
    std::size_t tab = blob->find('\t', pos), nl = blob->find('\n', pos);
    if (tab == std::string::npos || nl == std::string::npos || tab > nl) break;
    job_servers[blob->substr(pos, tab - pos)] = blob->substr(tab + 1, nl - tab - 1);
    pos = nl + 1;
  }
}

std::vector<std::uint64_t> HistoryIndex::lookup(StateTable& table, const std::string& prefix,
                                                std::size_t limit) {
  std::vector<std::uint64_t> out;
  table.scan(prefix, [&](std::string_view key, std::string_view) {
    if (key.size() != prefix.size() + 8) return true;  // a longer id sharing the prefix
    out.push_back(seq_from_suffix(key));
    return out.size() < limit;
  });
  return out;
}

void apply(HistoryIndex& index, const Event& e) {
  char seq_bytes[8];
  for (int i = 7, s = 0; i >= 0; --i, s += 8) seq_bytes[i] = static_cast<char>((e.seq >> s) & 0xff);
  const std::string_view seq(seq_bytes, 8);
  index.pending.put("", std::string_view("idx/type/"), e.type(), std::string_view("/"), seq);
  if (!e.correlation.empty()) {
    index.pending.put("", std::string_view("idx/job/"), e.correlation, std::string_view("/"), seq);
  }
  const std::string* server = server_of(e);
  if (!server && !e.correlation.empty()) {
    auto it = index.job_servers.find(e.correlation);
    if (it != index.job_servers.end()) server = &it->second;
  }
  if (server && !server->empty()) {
    index.pending.put("", std::string_view("idx/server/"), *server, std::string_view("/"), seq);
  }
  if (const auto* ack = e.as<EventAcknowledged>()) {
    index.pending.put("", std::string_view("idx/ack/"), HistoryIndex::seq_suffix(ack->acknowledged_seq),
                      std::string_view("/"), seq);
  }
  if (const auto* q = e.as<SyncQueued>()) index.job_servers[e.correlation] = q->server;
  if (e.as<SyncCompleted>() || e.as<SyncFailed>() || e.as<SyncCancelled>()) {
    index.job_servers.erase(e.correlation);
  }
}

}  // namespace distsync
