// distsync-agent: serves folders of a distribution server's host to a distsync console that
// it connects out to over ZeroMQ with CURVE (docs/agents.md).
//
//   distsync-agent keygen --out FILE          writes a key pair (0600), prints the public key
//   distsync-agent run --connect tcp://CONSOLE:PORT --console-key KEY --key FILE
//                      --serve DIR [--serve DIR...] [--state-dir DIR]
//
// Exit codes: 0 success or stopped by SIGTERM/SIGINT, 1 failure, 2 usage error.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "daemon/agents/agent_service.h"
#include "daemon/security/curve_keys.h"

namespace {

int g_stop_write_fd = -1;

void on_stop_signal(int) {
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(g_stop_write_fd, &byte, 1);
}

int fail(const distsync::Status& s) {
  std::fprintf(stderr, "distsync-agent: %s\n", s.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace distsync;
  CLI::App app{"distsync-agent: serves a distribution server's folders to a distsync console"};
  app.require_subcommand(1);
  std::string out;
  auto* keygen = app.add_subcommand("keygen", "make this agent's CURVE key pair");
  keygen->add_option("--out", out, "key file to write (mode 0600)")->required();
  AgentOptions options;
  std::string key_file;
  int heartbeat_ms = 1000;
  auto* run = app.add_subcommand("run", "connect to the console and serve");
  run->add_option("--connect", options.endpoint, "the console's agent endpoint, tcp://HOST:PORT")
      ->required();
  run->add_option("--console-key", options.console_public_key,
                  "the console's public key (distsync agent list shows it)")
      ->required();
  run->add_option("--key", key_file, "this agent's key file (distsync-agent keygen)")->required();
  run->add_option("--serve", options.roots, "a folder this agent serves (repeatable)")->required();
  run->add_option("--state-dir", options.state_dir, "hash caches (default: ~/.distsync-agent)");
  run->add_option("--heartbeat-ms", heartbeat_ms, "HELLO interval")->check(CLI::Range(10, 60000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "distsync-agent: %s; see --help\n", e.what());
    return 2;
  }
  if (keygen->parsed()) {
    auto pair = generate_key_pair();
    if (!pair.ok()) return fail(pair.status());
    if (Status s = write_key_file(out, *pair); !s.is_ok()) return fail(s);
    std::cout << pair->public_key << "\n";
    return 0;
  }
  auto keys = read_key_file(key_file);
  if (!keys.ok()) return fail(keys.status());
  options.keys = *keys;
  options.heartbeat = std::chrono::milliseconds(heartbeat_ms);
  if (options.state_dir.empty()) {
    const char* home = std::getenv("HOME");
    options.state_dir = std::string(home ? home : ".") + "/.distsync-agent";
  }
  int fds[2];
  if (::pipe(fds) != 0) {
    std::perror("distsync-agent: pipe");
    return 1;
  }
  g_stop_write_fd = fds[1];
  struct sigaction sa = {};
  sa.sa_handler = on_stop_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  Status s = run_agent(options, fds[0]);
  return s.is_ok() ? 0 : fail(s);
}
