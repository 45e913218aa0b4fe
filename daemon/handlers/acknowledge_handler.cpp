#include "daemon/handlers/acknowledge_handler.h"

#include <string>

#include "events/catalog.h"

namespace distsync {
namespace {

// One line of printable text (any UTF-8 beyond ASCII is allowed), at most `max` bytes.
Status check_line(const std::string& text, std::size_t max, const char* what) {
  if (text.size() > max) {
    return Status::invalid_argument(std::string(what) + " is longer than " + std::to_string(max) +
                                    " bytes");
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return Status::invalid_argument(std::string(what) + " must be one line of printable text");
    }
  }
  return Status::ok();
}

}  // namespace

void register_acknowledge_handler(RequestRouter& router, CommandRunner& runner) {
  router.add("event.acknowledge", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto seq_it = args.find("seq");
    if (seq_it == args.end() || !seq_it->is_number_unsigned() || seq_it->get<std::uint64_t>() == 0) {
      return Status::invalid_argument("seq must be the sequence number of an event (1 or more)");
    }
    const std::uint64_t seq = seq_it->get<std::uint64_t>();
    auto by_it = args.find("by");
    if (by_it == args.end() || !by_it->is_string() || by_it->get<std::string>().empty()) {
      return Status::invalid_argument("name who acknowledges the event ('by')");
    }
    const std::string by = by_it->get<std::string>();
    if (Status s = check_line(by, 64, "by"); !s.is_ok()) return s;
    std::string note;
    if (auto it = args.find("note"); it != args.end()) {
      if (!it->is_string()) return Status::invalid_argument("note must be a string");
      note = it->get<std::string>();
    }
    if (Status s = check_line(note, 500, "note"); !s.is_ok()) return s;

    // A logged event never changes, so it can be read outside the write transaction.
    auto events = runner.log().read(seq, seq, 1);
    if (!events.ok()) return events.status();
    if (events->empty()) {
      return Status::not_found("no event with seq " + std::to_string(seq) + " in the log");
    }
    const Event& target = events->front();
    if (target.as<EventAcknowledged>()) {
      return Status::invalid_argument("event " + std::to_string(seq) +
                                      " is an acknowledgement; acknowledge the event it names");
    }
    EventAcknowledged ack{seq, std::string(target.type()), by, note};
    auto r = runner.run([&](const ProjectedState&, std::vector<EventDraft>* out) -> Status {
      out->push_back({target.correlation, ack});
      return Status::ok();
    });
    if (!r.ok()) return r.status();
    return nlohmann::json{{"acknowledged", seq}, {"seq", r->last_seq}};
  });
}

}  // namespace distsync
