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
  for (const std::string& k : pending) table.put(k, "");
  pending.clear();
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
  std::string seq = HistoryIndex::seq_suffix(e.seq);
  index.pending.push_back("idx/type/" + std::string(e.type()) + "/" + seq);
  if (!e.correlation.empty()) index.pending.push_back("idx/job/" + e.correlation + "/" + seq);
  const std::string* server = server_of(e);
  std::string job_server;
  if (!server && !e.correlation.empty()) {
    auto it = index.job_servers.find(e.correlation);
    if (it != index.job_servers.end()) {
      job_server = it->second;
      server = &job_server;
    }
  }
  if (server && !server->empty()) index.pending.push_back("idx/server/" + *server + "/" + seq);
  if (const auto* q = e.as<SyncQueued>()) index.job_servers[e.correlation] = q->server;
  if (e.as<SyncCompleted>() || e.as<SyncFailed>() || e.as<SyncCancelled>()) {
    index.job_servers.erase(e.correlation);
  }
}

}  // namespace distsync
