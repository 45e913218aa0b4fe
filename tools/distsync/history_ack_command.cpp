// `distsync history ack SEQ [--by NAME] [--note TEXT]`: acknowledges an event of the log (op
// event.acknowledge), as the seed's Event History does, so every operator sees who
// acknowledged it: the acknowledgement is itself an event (EventAcknowledged) and shows in
// `distsync history` beside the event it names.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct AckFlags {
  std::uint64_t seq = 0;
  std::string by, note;
};

// $USER, else the login name of the process's user, else "operator".
std::string default_operator() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  return "operator";
}

}  // namespace

void register_history_ack_command(CLI::App& history, CliContext& ctx) {
  auto f = std::make_shared<AckFlags>();
  auto* cmd = history.add_subcommand(
      "ack", "acknowledge an event (recorded as an event, so other operators see who did)");
  cmd->add_option("seq", f->seq, "the event's seq (first column of `distsync --json history`)")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--by", f->by, "who acknowledges it (default: $USER)");
  cmd->add_option("--note", f->note, "one line saying why or what was done");
  cmd->callback([&ctx, f] {
    json args = {{"seq", f->seq}, {"by", f->by.empty() ? default_operator() : f->by}};
    if (!f->note.empty()) args["note"] = f->note;
    ctx.exit_code = ctx.request("event.acknowledge", args, [&](const json& reply) {
      ctx.out() << "acknowledged event " << reply.value("acknowledged", std::uint64_t{0})
                << " as " << args["by"].get<std::string>() << " (event "
                << reply.value("seq", std::uint64_t{0}) << ")\n";
    });
  });
}

}  // namespace distsync
