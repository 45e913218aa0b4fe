// `distsync-admin rebuild` and `distsync-admin public-key`.
//
// rebuild folds the whole log into a fresh in-memory state (projections/projection_set.h
// rebuild()) and compares it, key by key, with the state the daemon persisted beside the log.
// It reports "projections OK" or the first differing keys; it never writes the data dir.
#include <memory>
#include <ostream>

#include "events/audit/checkpoint.h"
#include "events/log/lmdb_event_log.h"
#include "events/log/map_state_table.h"
#include "projections/projection_set.h"
#include "tools/admin/admin_commands.h"

namespace distsync {
namespace {

std::string printable(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// A Folder that first drops every persisted projection key, so that the log folds the whole
// history into `projections` and persists it in the same transaction.
class ResetFolder : public Folder {
 public:
  explicit ResetFolder(ProjectionSet* projections) : projections_(projections) {}
  std::uint64_t sync(std::uint64_t head, StateTable& table) override {
    std::vector<std::string> keys;
    table.scan("", [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return true;
    });
    for (const std::string& k : keys) table.erase(k);
    return projections_->sync(head, table);
  }
  void apply(const Event& e) override { projections_->apply(e); }
  void save(StateTable& table) override { projections_->save(table); }
  void discard() override { projections_->discard(); }
  void committed() override { projections_->committed(); }

 private:
  ProjectionSet* projections_;
};

// Replaces the persisted projections with a rebuild from the log, in one write transaction.
Status write_rebuild(const DaemonConfig& config) {
  ProjectionSet projections;
  ResetFolder reset(&projections);
  auto log = open_existing_log(config, &reset);
  if (!log.ok()) return log.status();
  auto r = (*log)->execute([](std::uint64_t, std::vector<EventDraft>*) { return Status::ok(); });
  (*log)->close();
  return r.ok() ? Status::ok() : r.status();
}

int run_rebuild(const DaemonConfig& config, AdminIo io, bool write) {
  if (write) {
    Status s = write_rebuild(config);
    if (!s.is_ok()) {
      io.err << "distsync-admin: rebuild failed: " << s.message() << "\n";
      return 1;
    }
    io.out << "projections rebuilt from the log and written\n";
  }
  auto log = open_existing_log(config);
  if (!log.ok()) {
    io.err << "distsync-admin: " << log.status().message() << "\n";
    return 1;
  }
  // The persisted state first, with the head it belongs to; then the rebuild up to that head.
  MapStateTable persisted;
  std::uint64_t head = 0;
  Status read = (*log)->read_state([&](std::uint64_t h, StateTable& table) {
    head = h;
    table.scan("", [&](std::string_view k, std::string_view v) {
      persisted.put(k, v);
      return true;
    });
  });
  MapStateTable rebuilt;
  Status built = read.is_ok() ? rebuild(**log, head, rebuilt) : read;
  (*log)->close();
  if (!built.is_ok()) {
    io.err << "distsync-admin: rebuild failed: " << built.message() << "\n";
    return 1;
  }
  std::size_t differences = 0;
  auto report = [&](const std::string& what) {
    if (++differences <= 10) io.err << "distsync-admin: " << what << "\n";
  };
  for (const auto& [k, v] : rebuilt.map()) {
    auto p = persisted.get(k);
    if (!p)
      report("key " + printable(k) + " is missing from the persisted state");
    else if (*p != v)
      report("key " + printable(k) + " differs from the rebuilt state");
  }
  for (const auto& [k, v] : persisted.map()) {
    if (!rebuilt.get(k))
      report("key " + printable(k) + " is persisted but not rebuilt from the log");
  }
  if (differences > 0) {
    io.out
        << "projections MISMATCH: " << differences << " keys differ at head seq " << head
        << "; stop the daemons and replay the log into a fresh data dir (distsync-admin replay)\n";
    return 1;
  }
  io.out << "projections OK: " << rebuilt.map().size() << " keys rebuilt from " << head
         << " events equal the persisted state\n";
  return 0;
}

int run_public_key(const DaemonConfig& config, AdminIo io) {
  auto text = public_key_text(config.data_dir);
  if (!text.ok()) {
    io.err << "distsync-admin: " << text.status().message() << "\n";
    return 1;
  }
  io.out << *text;
  if (!text->ends_with('\n')) io.out << "\n";
  return 0;
}

}  // namespace

AdminCommand make_rebuild_command() {
  auto write = std::make_shared<bool>(false);
  return AdminCommand{"rebuild",
                      "rebuild the projections from the log in memory and compare them with the "
                      "persisted state (exit 1 on a mismatch); --write replaces the persisted "
                      "state with the rebuild (stop the daemons first)",
                      [write](CLI::App& cmd) {
                        cmd.add_flag("--write", *write,
                                     "replace the persisted projections with the rebuild");
                      },
                      [write](const DaemonConfig& config, AdminIo io) {
                        return run_rebuild(config, io, *write);
                      }};
}

AdminCommand make_public_key_command() {
  return AdminCommand{
      "public-key",
      "print the console's checkpoint public key (created on first use), for auditors",
      [](CLI::App&) {}, run_public_key};
}

}  // namespace distsync
