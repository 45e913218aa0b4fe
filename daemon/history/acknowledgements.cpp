#include "daemon/history/acknowledgements.h"

#include "events/catalog.h"
#include "projections/history_index.h"

namespace distsync {

Result<std::map<std::uint64_t, std::vector<Acknowledgement>>> acknowledgements_of(
    EventLog& log, const std::vector<Event>& events) {
  std::map<std::uint64_t, std::vector<std::uint64_t>> ack_seqs;  // acked seq -> ack seqs
  Status read = log.read_state([&](std::uint64_t, StateTable& table) {
    for (const Event& e : events) {
      auto seqs = HistoryIndex::lookup(
          table, "idx/ack/" + HistoryIndex::seq_suffix(e.seq) + "/", 100);
      if (!seqs.empty()) ack_seqs[e.seq] = std::move(seqs);
    }
  });
  if (!read.is_ok()) return read;
  std::map<std::uint64_t, std::vector<Acknowledgement>> out;
  for (const auto& [acked, seqs] : ack_seqs) {
    for (std::uint64_t seq : seqs) {
      auto found = log.read(seq, seq, 1);
      if (!found.ok()) return found.status();
      if (found->empty()) continue;
      const Event& e = found->front();
      const auto* ack = e.as<EventAcknowledged>();
      if (!ack || ack->acknowledged_seq != acked) continue;
      out[acked].push_back({e.seq, e.time_us, e.console, ack->by, ack->note});
    }
  }
  return out;
}

nlohmann::json acknowledgements_json(
    const std::map<std::uint64_t, std::vector<Acknowledgement>>& acks) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [acked, list] : acks) {
    nlohmann::json items = nlohmann::json::array();
    for (const Acknowledgement& a : list) {
      items.push_back({{"seq", a.seq}, {"time_us", a.time_us}, {"console", a.console},
                       {"by", a.by}, {"note", a.note}});
    }
    out[std::to_string(acked)] = std::move(items);
  }
  return out;
}

}  // namespace distsync
