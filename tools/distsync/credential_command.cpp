// `distsync credential add|list|remove`: the credentials servers name with --credential
// (ops credential.*, R7). The password is read from the terminal without echo, or from
// stdin when stdin is not a terminal (one line), never from argv, and goes only into the
// credential.add request; nothing here prints it.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct CredentialFlags {
  std::string name;
  std::string user;
  std::string domain;
};

// One line from the terminal (echo off) or from stdin; the trailing newline removed.
Result<std::string> read_password(const std::string& name) {
  std::string line;
  if (::isatty(STDIN_FILENO)) {
    std::cerr << "password for credential '" << name << "': " << std::flush;
    termios old {};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, line);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else if (!std::getline(std::cin, line)) {
    return Status::invalid_argument(
        "no password on stdin: pipe it in (`printf '%s\\n' \"$PW\" | distsync credential add "
        "NAME --user U`) or run on a terminal to be prompted");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::invalid_argument("the password is empty; nothing was stored");
  return line;
}

int run_add(CliContext& ctx, const CredentialFlags& f) {
  Result<std::string> password = read_password(f.name);
  if (!password.ok()) return ctx.fail(password.status());
  json args = {{"name", f.name}, {"user", f.user}, {"domain", f.domain}, {"password", *password}};
  return ctx.request("credential.add", args, [&](const json&) {
    ctx.out() << "stored credential " << f.name << " (user " << f.user << ")\n";
  });
}

int run_list(CliContext& ctx) {
  return ctx.request("credential.list", json::object(), [&](const json& reply) {
    std::vector<std::vector<std::string>> rows = {{"NAME", "USER", "DOMAIN", "SERVERS"}};
    for (const json& c : reply["credentials"]) {
      std::string servers;
      for (const json& s : c["servers"]) servers += (servers.empty() ? "" : ",") + s.get<std::string>();
      rows.push_back({c.value("name", ""), c.value("user", ""), c.value("domain", ""),
                      servers.empty() ? "-" : servers});
    }
    ctx.print_table(rows);
  });
}

int run_remove(CliContext& ctx, const CredentialFlags& f) {
  return ctx.request("credential.remove", json{{"name", f.name}}, [&](const json&) {
    ctx.out() << "removed credential " << f.name << "\n";
  });
}

}  // namespace

void register_credential_commands(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("credential", "credentials that servers name (R7)");
  group->require_subcommand(1);
  auto f = std::make_shared<CredentialFlags>();

  auto* add = group->add_subcommand(
      "add", "store (or replace) a credential; the password is prompted for or read from stdin");
  add->add_option("name", f->name, "credential name")->required();
  add->add_option("--user", f->user, "user name on the share")->required();
  add->add_option("--domain", f->domain, "domain or workgroup");
  add->callback([&ctx, f] { ctx.exit_code = run_add(ctx, *f); });

  auto* list = group->add_subcommand("list", "names, users and the servers using each");
  list->callback([&ctx] { ctx.exit_code = run_list(ctx); });

  auto* remove = group->add_subcommand("remove", "remove a credential no server names");
  remove->add_option("name", f->name, "credential name")->required();
  remove->callback([&ctx, f] { ctx.exit_code = run_remove(ctx, *f); });
}

}  // namespace distsync
