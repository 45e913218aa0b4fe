// `distsync-admin replay --from DIR --to NEWDIR`: copies a data dir's log into a fresh data
// dir by re-appending every event's correlation and payload, in order, with its original
// console and time, and rebuilds the projections on the way.
//
// The log stamps time and console per write transaction, so events are replayed in runs that
// share both (events of one original transaction always do), one transaction per run, with
// the clock set to the run's time and the log opened as the run's console. Every field the
// hash covers is then preserved, so the new chain's hashes equal the old ones: replay checks
// that they do, record by record. (Were times or consoles not preserved, every hash from the
// first difference on would differ, though the chain would still verify.)
#include <filesystem>
#include <memory>
#include <ostream>

#include "events/chain.h"
#include "events/log/lmdb_event_log.h"
#include "projections/projection_set.h"
#include "tools/admin/admin_commands.h"

namespace distsync {
namespace {

struct ReplayFlags {
  std::string from;
  std::string to;
};

Status replay(const std::string& from_dir, const std::string& to_dir, AdminIo io) {
  std::error_code ec;
  if (!std::filesystem::exists(from_dir + "/log/data.mdb", ec)) {
    return Status::not_found("no event log at " + from_dir + "/log; --from names a data dir");
  }
  if (std::filesystem::exists(to_dir, ec) && !std::filesystem::is_empty(to_dir, ec)) {
    return Status::conflict(to_dir + " is not empty; --to must name a new data dir");
  }
  LmdbLogOptions src_options;
  src_options.dir = from_dir + "/log";
  src_options.console = "distsync-admin";
  auto src = LmdbEventLog::open(src_options);
  if (!src.ok()) return src.status();
  const std::uint64_t head = (*src)->last_seq();

  ProjectionSet projections;
  std::int64_t clock = 0;
  std::unique_ptr<LmdbEventLog> dst;
  std::string dst_console;
  auto open_as = [&](const std::string& console) -> Status {
    if (dst) dst->close();
    dst.reset();
    LmdbLogOptions o;
    o.dir = to_dir + "/log";
    o.console = console;
    o.folder = &projections;
    o.clock_us = [&clock] { return clock; };
    auto opened = LmdbEventLog::open(o);
    if (!opened.ok()) return opened.status();
    dst = std::move(opened).value();
    dst_console = console;
    return Status::ok();
  };

  std::vector<Event> run;
  auto flush = [&]() -> Status {
    if (run.empty()) return Status::ok();
    if (!dst || dst_console != run.front().console) {
      Status s = open_as(run.front().console);
      if (!s.is_ok()) return s;
    }
    clock = run.front().time_us;
    std::vector<EventDraft> batch;
    for (Event& e : run) batch.push_back({e.correlation, e.payload});
    auto appended = dst->append(std::move(batch), run.front().seq - 1);
    if (!appended.ok()) return appended.status();
    // Same seq, time, console, correlation, payload and chain start: the same hashes.
    auto written = dst->read(run.front().seq, run.back().seq, run.size());
    if (!written.ok()) return written.status();
    for (std::size_t i = 0; i < run.size(); ++i) {
      if ((*written)[i].hash != run[i].hash) {
        return Status::corruption("replayed event " + std::to_string(run[i].seq) +
                                  " hashes differently from the original");
      }
    }
    run.clear();
    return Status::ok();
  };

  Status s;
  const std::size_t page = 1000;
  for (std::uint64_t next = 1; next <= head && s.is_ok();) {
    auto events = (*src)->read(next, head, page);
    if (!events.ok()) {
      s = events.status();
      break;
    }
    if (events->empty()) {
      s = Status::corruption("the log ends at seq " + std::to_string(next - 1) +
                             " before its head " + std::to_string(head));
      break;
    }
    for (Event& e : *events) {
      if (!run.empty() && (e.console != run.front().console || e.time_us != run.front().time_us)) {
        s = flush();
        if (!s.is_ok()) break;
      }
      run.push_back(std::move(e));
    }
    next += events->size();
  }
  if (s.is_ok()) s = flush();
  if (s.is_ok() && dst) {
    ChainVerifier verifier(1, kGenesisHash);
    Status scanned =
        dst->scan_records(1, dst->last_seq(), [&](std::uint64_t seq, std::string_view record) {
          Status r = verifier.add_record(record);
          if (!r.is_ok())
            s = Status::corruption("replayed record " + std::to_string(seq) + ": " + r.message());
          return r.is_ok();
        });
    if (!scanned.is_ok()) s = scanned;
    if (s.is_ok() && (dst->last_seq() != head || dst->last_hash() != (*src)->last_hash())) {
      s = Status::corruption("the replayed head differs from the original's");
    }
  }
  if (s.is_ok()) {
    io.out << "replayed " << head << " events into " << to_dir << "; head hash "
           << to_hex((*src)->last_hash()) << " equals the original's\n";
  }
  if (dst) dst->close();
  (*src)->close();
  return s;
}

}  // namespace

AdminCommand make_replay_command() {
  auto flags = std::make_shared<ReplayFlags>();
  return AdminCommand{
      "replay",
      "replay a data dir's log into a new data dir, preserving times and consoles, and verify it",
      [flags](CLI::App& cmd) {
        cmd.add_option("--from", flags->from, "the data dir to read")->required();
        cmd.add_option("--to", flags->to, "a new, empty data dir")->required();
      },
      [flags](const DaemonConfig&, AdminIo io) {
        Status s = replay(flags->from, flags->to, io);
        if (!s.is_ok()) {
          io.err << "distsync-admin: replay failed: " << s.message() << "\n";
          return 1;
        }
        return 0;
      }};
}

}  // namespace distsync
