// distsync_web_bench_fill DATA_DIR SERVERS EVENTS [CONSOLE]: writes, offline, the log of a
// busy console with SERVERS distribution servers and EVENTS events in all, the way a live
// daemon leaves it (the projections are the log's Folder, as in distsync_startup_bench), for
// bench/web_bench.py. Servers are dist-0000... at /srv/dist/0000...; the rest of the log is
// finished sync jobs of 50 events (SyncQueued, SyncStarted, 47 FileCopied, SyncCompleted)
// spread round-robin over the servers. Appends in batches of 10,000 through LmdbEventLog.
// Prints "filled N events in S s". Not a test; exit 1 on failure, 2 on usage.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_workload.h"
#include "events/log/lmdb_event_log.h"
#include "projections/projection_set.h"

namespace {

using namespace distsync;

std::string server_name(std::uint64_t i) {
  char name[24];
  std::snprintf(name, sizeof name, "%04llu", static_cast<unsigned long long>(i));
  return name;
}

EventDraft event_at(std::uint64_t i, std::uint64_t servers) {
  if (i < servers) {
    ServerSpec spec;
    spec.name = "dist-" + server_name(i);
    spec.root_path = "/srv/dist/" + server_name(i);
    spec.description = "branch office " + server_name(i);
    return {"", ServerAdded{spec}};
  }
  EventDraft d = bench::workload_event(bench::kServers + (i - servers));
  if (auto* q = std::get_if<SyncQueued>(&d.payload)) {
    const std::uint64_t job = (i - servers) / bench::kJobEvents;
    q->server = "dist-" + server_name(job % servers);
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR SERVERS EVENTS [CONSOLE]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const std::uint64_t servers = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t events = std::strtoull(argv[3], nullptr, 10);
  if (servers == 0 || events < servers) {
    std::fprintf(stderr, "web_bench_fill: need 1 <= SERVERS <= EVENTS\n");
    return 2;
  }
  ProjectionSet projections;
  LmdbLogOptions o;
  o.dir = dir + "/log";
  o.console = argc > 4 ? argv[4] : "bench";
  o.initial_map_bytes = std::size_t{1} << 30;
  o.folder = &projections;
  auto log = LmdbEventLog::open(o);
  if (!log.ok()) {
    std::fprintf(stderr, "web_bench_fill: %s\n", log.status().message().c_str());
    return 1;
  }
  const auto t0 = bench::Clock::now();
  for (std::uint64_t done = (*log)->last_seq(); done < events;) {
    std::vector<EventDraft> drafts;
    for (std::uint64_t i = done; i < events && i < done + 10000; ++i) {
      drafts.push_back(event_at(i, servers));
    }
    auto r = (*log)->append(std::move(drafts));
    if (!r.ok()) {
      std::fprintf(stderr, "web_bench_fill: %s\n", r.status().message().c_str());
      return 1;
    }
    done = r->last_seq;
  }
  (*log)->close();
  std::printf("filled %llu events in %.2f s\n", static_cast<unsigned long long>(events),
              bench::seconds_since(t0));
  return 0;
}
