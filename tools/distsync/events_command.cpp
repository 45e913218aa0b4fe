// `distsync events tail`: the log's events in order, without gaps; with --follow, live.
#include "tools/client/event_stream.h"
#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

struct TailOptions {
  std::optional<std::uint64_t> from;
  bool follow = false;
  std::uint64_t limit = 0;  // 0: no limit
};

constexpr std::uint64_t kDefaultHistory = 10;

int run_tail(CliContext& ctx, const TailOptions& opt) {
  // The bus endpoint comes from the daemon itself, so it is right whatever the config says.
  auto status = ctx.request("status");
  if (!status.ok()) return ctx.fail(status.status());
  std::string bus = status->value("bus_endpoint", "");
  std::uint64_t head = status->value("last_seq", std::uint64_t{0});
  std::uint64_t from =
      opt.from ? *opt.from : (head > kDefaultHistory ? head - kDefaultHistory + 1 : 1);

  EventStreamOptions options;
  options.from_seq = from;
  auto client = ctx.client();  // the stream reads gaps with events.read on it
  if (!client.ok()) return ctx.fail(client.status());
  auto stream = EventStream::open(*client, bus, options);
  if (!stream.ok()) return ctx.fail(stream.status());
  // Without --follow, stop at the head as it was when the command started.
  std::uint64_t stop_at = opt.follow ? UINT64_MAX : std::max(head, (*stream)->known_head());
  std::uint64_t printed = 0;
  while ((opt.limit == 0 || printed < opt.limit) && (*stream)->last_delivered() < stop_at) {
    auto next = (*stream)->next(opt.follow ? std::chrono::hours(1) : ctx.timeout());
    if (!next.ok()) return ctx.fail(next.status());
    if (!*next) {
      if (opt.follow) continue;
      return ctx.fail(Status::unavailable("no event after seq " +
                                          std::to_string((*stream)->last_delivered()) +
                                          " arrived in time"));
    }
    ctx.print_event(**next);
    ++printed;
  }
  return kExitOk;
}

}  // namespace

void register_events_commands(CLI::App& app, CliContext& ctx) {
  auto* events = app.add_subcommand("events", "read the event log");
  events->require_subcommand(1);
  auto opt = std::make_shared<TailOptions>();
  auto* tail = events->add_subcommand(
      "tail", "print events from --from (default: the last 10), then with --follow live ones");
  tail->add_option("--from", opt->from, "first seq to print");
  tail->add_flag("--follow,-f", opt->follow, "keep printing new events as they are appended");
  tail->add_option("--limit,-n", opt->limit, "stop after N events (default: no limit)");
  tail->callback([&ctx, opt] { ctx.exit_code = run_tail(ctx, *opt); });
}

}  // namespace distsync
