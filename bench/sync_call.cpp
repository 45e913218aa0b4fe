// distsync_bench_sync: the few control calls bench/sync_bench.sh needs when the distsync CLI
// does not offer them, made through the real control endpoint (tools/client ControlClient).
//
//   distsync_bench_sync ENDPOINT server-add NAME ROOT   registers a server ("server.add")
//   distsync_bench_sync ENDPOINT sync NAME              starts a sync ("sync.start") and
//       waits until its job ends (SyncCompleted, SyncFailed or SyncCancelled read back with
//       "events.read", polled every 2 ms); prints the final event's payload as JSON.
// Exit codes: 0 done (sync completed), 1 failure (sync failed or a call failed), 2 usage.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "tools/client/control_client.h"

namespace {

using namespace distsync;
using json = nlohmann::json;

int usage() {
  std::fprintf(stderr,
               "usage: distsync_bench_sync ENDPOINT server-add NAME ROOT\n"
               "       distsync_bench_sync ENDPOINT sync NAME\n");
  return 2;
}

int failed(const char* what, const Status& s) {
  std::fprintf(stderr, "distsync_bench_sync: %s: %s\n", what, s.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return usage();
  const std::string endpoint = argv[1], cmd = argv[2], name = argv[3];
  auto client = ControlClient::connect(endpoint, std::chrono::seconds(30));
  if (!client.ok()) return failed("connect", client.status());
  ControlClient& c = **client;

  if (cmd == "server-add" && argc == 5) {
    auto r = c.call("server.add", {{"server", {{"name", name}, {"root_path", argv[4]}}}});
    if (!r.ok()) return failed("server.add", r.status());
    std::printf("%s\n", r->dump().c_str());
    return 0;
  }
  if (cmd != "sync" || argc != 4) return usage();

  auto head = c.call("events.head");
  if (!head.ok()) return failed("events.head", head.status());
  std::uint64_t next = (*head)["last_seq"].get<std::uint64_t>() + 1;
  auto started = c.call("sync.start", {{"servers", json::array({name})}});
  if (!started.ok()) return failed("sync.start", started.status());
  const std::string job = (*started)["jobs"][0]["job"].get<std::string>();
  for (;;) {
    auto r = c.call("events.read", {{"from", next}});
    if (!r.ok()) return failed("events.read", r.status());
    for (const json& e : (*r)["events"]) {
      next = e["seq"].get<std::uint64_t>() + 1;
      if (e.value("correlation", "") != job) continue;
      const std::string type = e.value("type", "");
      if (type == "SyncCompleted" || type == "SyncFailed" || type == "SyncCancelled") {
        std::printf("%s %s %s\n", job.c_str(), type.c_str(), e["payload"].dump().c_str());
        return type == "SyncCompleted" ? 0 : 1;
      }
    }
    if ((*r)["events"].empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}
