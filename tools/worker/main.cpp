// distsync-worker: copies files for a distsyncd, as told over its copy endpoint.
//
//   distsync-worker --connect ENDPOINT [--name NAME] [--heartbeat-ms N] [--no-copy-file-range]
//                   [--credentials FILE] [--smb-timeout-ms N]
//
// --credentials names the daemon's credential store (<data_dir>/credentials.json), needed
// for tasks to SMB shares whose server names a credential.
//
// Exit codes: 0 stopped by SIGTERM/SIGINT, 1 failure, 2 usage error.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "daemon/cli/program_flags.h"
#include "daemon/sync/copy_worker.h"

namespace {

int g_stop_write_fd = -1;

void on_stop_signal(int) {
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(g_stop_write_fd, &byte, 1);
}

}  // namespace

int main(int argc, char** argv) {
  distsync::CopyWorkerOptions options;
  int heartbeat_ms = 1000;
  bool no_copy_file_range = false;
  std::string credentials_file;
  CLI::App app{"distsync-worker: copies files for a distsyncd over its copy endpoint"};
  app.add_option("--connect", options.endpoint, "the daemon's copy endpoint (ipc://)")->required();
  app.add_option("--name", options.name, "a name for the daemon's logs");
  app.add_option("--heartbeat-ms", heartbeat_ms, "heartbeat interval")
      ->check(CLI::Range(10, 60000));
  app.add_flag("--no-copy-file-range", no_copy_file_range, "copy with plain read/write");
  app.add_option("--credentials", credentials_file,
                 "the daemon's credential store, for SMB shares that name a credential");
  int smb_timeout_ms = 15000;
  app.add_option("--smb-timeout-ms", smb_timeout_ms,
                 "connect and request timeout for SMB shares (the daemon's smb_timeout_ms)")
      ->check(CLI::Range(1, 3600000));
  distsync::add_program_flags(app, "distsync-worker");  // last: man page and completion
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return distsync::exit_for_parse_error(app, e, "distsync-worker");
  }
  options.heartbeat = std::chrono::milliseconds(heartbeat_ms);
  options.use_copy_file_range = !no_copy_file_range;
  options.target_options.smb.timeout = std::chrono::milliseconds(smb_timeout_ms);
  std::unique_ptr<distsync::CredentialStore> credentials;
  if (!credentials_file.empty()) {
    credentials = std::make_unique<distsync::CredentialStore>(credentials_file);
    options.credentials = credentials.get();
  }

  int fds[2];
  if (::pipe(fds) != 0) {
    std::perror("distsync-worker: pipe");
    return 1;
  }
  g_stop_write_fd = fds[1];
  struct sigaction sa = {};
  sa.sa_handler = on_stop_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);

  distsync::Status s = distsync::run_copy_worker(options, fds[0]);
  if (!s.is_ok()) {
    std::fprintf(stderr, "distsync-worker: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
