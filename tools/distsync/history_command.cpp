// `distsync history`: the event history, filtered (ops history.query, history.job); with
// --follow, live events after it through the gap-free EventStream, filtered here the same way
// the daemon filters (history_matches). `--job J` alone prints the job's timeline.
#include <map>
#include <set>

#include "daemon/history/event_summary.h"
#include "daemon/history/history_query.h"
#include "events/codec.h"
#include "tools/client/event_stream.h"
#include "tools/distsync/cli_context.h"
#include "tools/distsync/cli_time.h"

namespace distsync {
namespace {

using nlohmann::json;

struct HistoryFlags {
  std::optional<std::string> server, job, schedule, console, type, since, until;
  std::size_t limit = 50;
  bool follow = false;
};

json query_args(const HistoryFlags& f, const std::string& zone) {
  json args = json::object();
  for (auto [key, value] : {std::pair{"server", &f.server}, std::pair{"job", &f.job},
                            std::pair{"schedule", &f.schedule}, std::pair{"console", &f.console},
                            std::pair{"type", &f.type}}) {
    if (*value) args[key] = **value;
  }
  for (auto [key, flag, value] :
       {std::tuple{"since_us", "--since", &f.since}, std::tuple{"until_us", "--until", &f.until}}) {
    if (!*value) continue;
    auto t = parse_cli_time(**value, zone);
    if (!t.ok()) throw CLI::ValidationError(flag, t.status().message());
    args[key] = *t;
  }
  args["limit"] = f.limit;
  // Without --since, the newest events are the interesting ones.
  args["newest"] = !f.since.has_value();
  return args;
}

// Rows of the history table. An event that names no server (FileCopied, SyncStarted, ...)
// shows the server of its job or schedule, as the daemon resolved it (history.query's
// "servers") or as learned from a SyncQueued seen while following.
class HistoryPrinter {
 public:
  HistoryPrinter(CliContext& ctx, std::string zone, std::optional<std::string> server)
      : ctx_(ctx), zone_(std::move(zone)), server_(std::move(server)) {}

  void learn(const std::string& correlation, const std::string& server) {
    if (!correlation.empty() && !server.empty()) servers_[correlation] = server;
  }
  void learn_all(const json& servers) {
    if (!servers.is_object()) return;
    for (const auto& [id, server] : servers.items()) {
      if (server.is_string()) learn(id, server.get<std::string>());
    }
  }
  bool knows(const std::string& correlation) const { return servers_.count(correlation) != 0; }
  // history.query's "acknowledged": who acknowledged which event of the page, and when.
  void acknowledged(const json& acks) {
    if (acks.is_object()) acks_ = acks;
  }

  void header() {
    if (!ctx_.json())
      rows_.push_back({"TIME (" + zone_ + ")", "CONSOLE", "EVENT", "SERVER", "DETAIL"});
  }
  // The event's own server, else its job's or schedule's; "" when unknown.
  std::string server_of(const Event& e) const {
    std::string server = event_server(e);
    if (server.empty()) {
      auto it = servers_.find(e.correlation);
      if (it != servers_.end()) server = it->second;
    }
    if (server.empty() && server_) server = *server_;  // a job of the filtered server
    return server;
  }
  // With --json: the event's JSON (events/codec.h) plus "server", as the table shows it
  // (null when unknown).
  void add(const Event& e) {
    const std::string server = server_of(e);
    if (ctx_.json()) {
      json j = json::parse(to_json(e));
      j["server"] = server.empty() ? json(nullptr) : json(server);
      if (auto it = acks_.find(std::to_string(e.seq)); it != acks_.end()) j["acknowledged"] = *it;
      ctx_.print_json_line(j);
      return;
    }
    std::string detail = summarize_event(e);
    if (auto it = acks_.find(std::to_string(e.seq)); it != acks_.end()) {
      for (const json& a : *it) {
        detail += " [acknowledged by " + a.value("by", "") + " at " +
                  format_local_minute(a.value("time_us", std::int64_t{0}), zone_) + "]";
      }
    }
    rows_.push_back({format_local_minute(e.time_us, zone_), e.console, std::string(e.type()),
                     server.empty() ? "-" : server, detail});
  }
  // Tables are aligned over what is buffered; --follow flushes each event as it comes.
  void flush() {
    if (!rows_.empty()) ctx_.print_table(rows_);
    rows_.clear();
    ctx_.out().flush();
  }

 private:
  CliContext& ctx_;
  std::string zone_;
  std::optional<std::string> server_;
  std::map<std::string, std::string> servers_;  // correlation id -> server
  json acks_ = json::object();                  // acked seq -> acknowledgements
  std::vector<std::vector<std::string>> rows_;
};

int print_timeline(CliContext& ctx, const std::string& job,
                   const std::string& zone) {
  auto reply = ctx.request("history.job", json{{"job", job}});
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.print_json_line(*reply);
    return kExitOk;
  }
  const json& t = *reply;
  auto when = [&](const char* key) {
    std::int64_t us = t.value(key, std::int64_t{0});
    return us ? format_local_minute(us, zone) : std::string("-");
  };
  std::ostream& out = ctx.out();
  out << "job " << t.value("id", "") << ": " << t.value("kind", "") << " "
      << t.value("component", "");
  if (!t.value("server", "").empty()) out << " to " << t.value("server", "");
  out << " (" << t.value("trigger", "");
  if (!t.value("schedule_id", "").empty()) out << " " << t.value("schedule_id", "");
  out << "), " << t.value("state", "") << "\n";
  out << "  queued " << when("queued_us") << ", started " << when("started_us") << ", finished "
      << when("finished_us") << "\n";
  for (const json& reason : t["deferrals"])
    out << "  deferred: " << reason.get<std::string>() << "\n";
  out << "  files " << t.value("files_copied", 0ull) << " of " << t.value("files_total", 0ull)
      << ", " << human_bytes(t.value("bytes_copied", 0ull)) << " of "
      << human_bytes(t.value("bytes_total", 0ull));
  if (t.value("files_failed", 0ull)) out << ", " << t.value("files_failed", 0ull) << " failed";
  out << "\n";
  if (!t.value("reason", "").empty()) out << "  reason: " << t.value("reason", "") << "\n";
  std::vector<std::vector<std::string>> rows = {{"  TIME (" + zone + ")", "EVENT", "DETAIL"}};
  for (const json& e : t["entries"]) {
    if (e.value("type", "") == "FileCopied") continue;  // shown as progress below
    rows.push_back({"  " + format_local_minute(e.value("time_us", std::int64_t{0}), zone),
                    e.value("type", ""), e.value("detail", "")});
  }
  for (const json& r : t["retries"]) {
    std::int64_t next = r.value("next_retry_us", std::int64_t{0});
    rows.push_back(
        {"  " + format_local_minute(r.value("time_us", std::int64_t{0}), zone), "retry",
         r.value("path", "") + ": attempt " + std::to_string(r.value("attempt", 0)) + " of " +
             std::to_string(r.value("max_attempts", 0)) +
             (next ? ", next retry at " + format_local_minute(next, zone) : ", no retry left")});
  }
  const json& progress = t["progress"];
  const std::size_t n = progress.size(), step = n > 10 ? (n + 9) / 10 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % step != 0 && i + 1 != n) continue;
    const json& p = progress[i];
    rows.push_back({"  " + format_local_minute(p.value("time_us", std::int64_t{0}), zone),
                    "progress",
                    std::to_string(p.value("files", 0ull)) + " files, " +
                        human_bytes(p.value("bytes", 0ull))});
  }
  std::stable_sort(rows.begin() + 1, rows.end(),
                   [](const auto& a, const auto& b) { return a[0] < b[0]; });
  ctx.print_table(rows);
  return kExitOk;
}

int follow(CliContext& ctx, const json& args, std::uint64_t after,
           HistoryPrinter& printer) {
  auto status = ctx.request("status");
  if (!status.ok()) return ctx.fail(status.status());
  auto filter = parse_history_filter(args, cli_now_us(), "UTC");
  if (!filter.ok()) return ctx.fail(filter.status());
  filter->after_seq = after;
  // The server of a job is named only by its SyncQueued; remember it for the job's later events.
  std::map<std::string, std::string> job_servers;
  std::set<std::string> looked_up;  // correlation ids whose server the printer has asked for
  std::optional<std::string> server = filter->server;
  filter->server.reset();

  EventStreamOptions options;
  options.from_seq = after + 1;
  auto client = ctx.client();  // the stream reads gaps with events.read on it
  if (!client.ok()) return ctx.fail(client.status());
  auto stream = EventStream::open(*client, status->value("bus_endpoint", ""), options);
  if (!stream.ok()) return ctx.fail(stream.status());
  for (;;) {
    auto next = (*stream)->next(std::chrono::hours(1));
    if (!next.ok()) return ctx.fail(next.status());
    if (!*next) continue;
    const Event& e = **next;
    if (const auto* q = e.as<SyncQueued>()) job_servers[e.correlation] = q->server;
    if (event_server(e).empty()) {
      if (!e.correlation.empty() && looked_up.insert(e.correlation).second &&
          !printer.knows(e.correlation)) {
        // A job (or schedule) that began before --follow did: its first event names it.
        auto first = ctx.request("history.query", json{{"job", e.correlation}, {"limit", 1}});
        for (const json& j : first.ok() ? (*first)["events"] : json::array()) {
          auto fe = from_json(j.dump());
          if (fe.ok()) printer.learn(e.correlation, event_server(*fe));
        }
      }
    } else if (e.as<SyncQueued>() || e.as<ScheduleAdded>()) {
      printer.learn(e.correlation, event_server(e));
      looked_up.insert(e.correlation);
    }
    if (filter->until_us && e.time_us >= *filter->until_us) return kExitOk;
    if (!history_matches(*filter, e)) continue;
    if (server) {
      auto it = job_servers.find(e.correlation);
      if (event_server(e) != *server && (it == job_servers.end() || it->second != *server))
        continue;
    }
    printer.add(e);
    printer.flush();
  }
}

int run_history(CliContext& ctx, const HistoryFlags& f) {
  const std::string zone = cli_zone(ctx);
  json args = query_args(f, zone);
  const bool only_job =
      f.job && !f.server && !f.schedule && !f.console && !f.type && !f.since && !f.until;
  if (only_job && !f.follow) return print_timeline(ctx, *f.job, zone);

  auto reply = ctx.request("history.query", args);
  if (!reply.ok()) return ctx.fail(reply.status());
  HistoryPrinter printer(ctx, zone, f.server);
  printer.learn_all((*reply)["servers"]);
  printer.acknowledged((*reply)["acknowledged"]);
  printer.header();
  for (const json& j : (*reply)["events"]) {
    auto e = from_json(j.dump());
    if (!e.ok()) return ctx.fail(e.status());
    printer.add(*e);
  }
  printer.flush();
  if (!f.follow) {
    if (reply->value("more", false) && !ctx.json()) {
      ctx.out() << "(more events match; narrow the filters or raise --limit)\n";
    }
    return kExitOk;
  }
  return follow(ctx, args, reply->value("head", std::uint64_t{0}), printer);
}

}  // namespace

void register_history_command(CLI::App& app, CliContext& ctx) {
  auto f = std::make_shared<HistoryFlags>();
  auto* cmd =
      app.add_subcommand("history", "what happened and when: filtered events, job timelines");
  cmd->add_option("--server", f->server, "events of this server and its jobs");
  cmd->add_option("--job", f->job, "events of this job or download (alone: its timeline)");
  cmd->add_option("--schedule", f->schedule, "events of this schedule and the syncs it queued");
  cmd->add_option("--console", f->console, "events appended by this console");
  cmd->add_option("--type", f->type, "one event type, e.g. SyncFailed");
  cmd->add_option("--since", f->since,
                  "from: ISO 8601, local \"YYYY-MM-DD HH:MM\" or an age like 7d");
  cmd->add_option("--until", f->until, "before: same forms as --since");
  cmd->add_option("--limit,-n", f->limit, "at most N events (default 50; newest unless --since)")
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("--follow,-f", f->follow, "then keep printing matching events as they happen");
  register_history_ack_command(*cmd, ctx);
  cmd->callback([&ctx, f, cmd] {
    if (cmd->get_subcommand("ack")->parsed()) return;  // `history ack` ran instead
    ctx.exit_code = run_history(ctx, *f);
  });
}

}  // namespace distsync
