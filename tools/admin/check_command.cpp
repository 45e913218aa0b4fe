// `distsync-admin check`: walks every record of the log through the ChainVerifier.
#include <ostream>

#include "events/chain.h"
#include "events/log/lmdb_event_log.h"
#include "tools/admin/admin_commands.h"

namespace distsync {
namespace {

int run_check(const DaemonConfig& config, AdminIo io) {
  auto log = open_existing_log(config);
  if (!log.ok()) {
    io.err << "distsync-admin: " << log.status().message() << "\n";
    return 1;
  }
  ChainVerifier verifier(1, kGenesisHash);
  Status bad;
  std::uint64_t head = (*log)->last_seq();
  Status scanned = (*log)->scan_records(1, head, [&](std::uint64_t seq, std::string_view record) {
    Status s = verifier.add_record(record);
    if (!s.is_ok()) {
      bad = Status::corruption("record " + std::to_string(seq) + ": " + s.message());
      return false;
    }
    return true;
  });
  Hash256 stored_hash = (*log)->last_hash();
  (*log)->close();
  if (!scanned.is_ok()) bad = scanned;
  if (bad.is_ok() && verifier.last_seq() != head) {
    bad = Status::corruption("log head says seq " + std::to_string(head) + " but records end at " +
                             std::to_string(verifier.last_seq()));
  }
  if (bad.is_ok() && head > 0 && verifier.last_hash() != stored_hash) {
    bad = Status::corruption("log head hash " + to_hex(stored_hash) + " differs from the chain's " +
                             to_hex(verifier.last_hash()));
  }
  if (!bad.is_ok()) {
    io.err << "distsync-admin: check failed: " << bad.message() << "\n";
    return 1;
  }
  io.out << "ok: " << verifier.count() << " events, head seq " << head << " hash "
         << to_hex(verifier.last_hash()) << "\n";
  return 0;
}

}  // namespace

AdminCommand make_check_command() {
  return AdminCommand{"check",
                      "verify the log's hash chain and head (exit 1 on the first bad record)",
                      [](CLI::App&) {}, run_check};
}

}  // namespace distsync
