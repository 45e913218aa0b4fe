// `distsync schedule add|edit|delete|list|preview|run` (ops schedule.*). The flags describe a
// Recurrence; this file checks only their shape (one frequency, --day or --nth, numbers that
// are numbers) and leaves the calendar rules (Feb 30, nth 5, unknown zones, a once date in the
// past) to the daemon, whose one-line refusal is printed as is.
#include "tools/distsync/cli_context.h"
#include "tools/distsync/cli_time.h"

namespace distsync {
namespace {

using nlohmann::json;

struct ScheduleFlags {
  std::vector<std::string> ids;   // edit: one; delete/run/preview: the named schedules
  std::optional<std::string> id;  // add: --id
  std::optional<std::string> server;
  std::optional<std::string> component;
  std::optional<std::string> kind;
  std::optional<std::string> once;
  bool daily = false;
  bool weekly = false;
  bool monthly = false;
  std::optional<std::uint32_t> every;
  std::optional<std::string> on;
  std::optional<std::uint32_t> day;
  std::optional<std::string> nth;
  std::optional<std::string> weekday;
  std::optional<std::uint32_t> delay;
  std::optional<std::string> at;
  std::optional<std::string> tz;
  std::optional<std::string> start;
  bool enable = false;
  bool disable = false;
  std::size_t next = 0;
  std::optional<std::string> as_of;
};

[[noreturn]] void usage(const std::string& flag, const std::string& message) {
  throw CLI::ValidationError(flag, message);
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// The recurrence fields the flags set. `fresh`: a new schedule (add, preview without an id),
// which needs a frequency and --at, and gets today as its start date by default.
json recurrence_changes(const ScheduleFlags& f, bool fresh, const std::string& zone) {
  json r = json::object();
  const int frequencies = (f.once ? 1 : 0) + f.daily + f.weekly + f.monthly;
  if (frequencies > 1) usage("--once/--daily/--weekly/--monthly", "pick one frequency");
  if (fresh && frequencies == 0) {
    usage("--once/--daily/--weekly/--monthly", "a schedule needs a frequency");
  }
  if (fresh && !f.at) usage("--at", "a schedule needs a time of day (HH:MM)");
  if (f.once) {
    r["frequency"] = "once";
    r["start_date"] = *f.once;
  }
  if (f.daily) r["frequency"] = "daily";
  if (f.weekly) r["frequency"] = "weekly";
  if (f.monthly) r["frequency"] = "monthly";
  if (f.start) {
    if (f.once) usage("--start", "a once schedule takes its date from --once");
    r["start_date"] = *f.start;
  } else if (fresh && !f.once) {
    r["start_date"] = local_today(f.tz ? *f.tz : zone);
  }
  if (f.at) r["time_of_day"] = *f.at;
  if (f.tz) r["time_zone"] = *f.tz;
  if (f.every) r["interval"] = *f.every;
  if (f.on) {
    if (f.daily || f.monthly || f.once) usage("--on", "weekdays go with --weekly");
    r["weekdays"] = split_commas(*f.on);
  }
  if (f.weekly && !f.on) usage("--weekly", "name the weekdays with --on, e.g. --on mon,wed");
  if (f.day && f.nth)
    usage("--day", "conflicts with --nth: pick a day of the month or an nth weekday");
  if ((f.day || f.nth || f.weekday || f.delay) && !f.monthly && fresh) {
    usage("--day/--nth/--weekday/--delay", "go with --monthly");
  }
  if (f.monthly && !f.day && !f.nth)
    usage("--monthly", "needs --day N or --nth 1-4|last --weekday DAY");
  if (f.day) {
    r["monthly_mode"] = "day_of_month";
    r["day_of_month"] = *f.day;
  }
  if (f.nth) {
    r["monthly_mode"] = "nth_weekday";
    if (*f.nth == "last") {
      r["nth"] = -1;
    } else if (f.nth->size() == 1 && std::isdigit(static_cast<unsigned char>((*f.nth)[0]))) {
      r["nth"] = (*f.nth)[0] - '0';
    } else if (!f.nth->empty() && f.nth->find_first_not_of("0123456789") == std::string::npos &&
               f.nth->size() < 6) {
      r["nth"] = std::stoi(*f.nth);  // out of range: the daemon names the rule
    } else {
      usage("--nth", "'" + *f.nth + "' is not 1, 2, 3, 4 or last");
    }
    if (!f.weekday && fresh) usage("--nth", "needs --weekday, e.g. --weekday tue");
  }
  if (f.weekday) r["weekday"] = *f.weekday;
  if (f.delay) r["delay_days"] = *f.delay;
  return r;
}

json schedule_changes(const ScheduleFlags& f, bool fresh, const std::string& zone,
                      bool need_server = true) {
  json s = json::object();
  if (f.kind) s["kind"] = *f.kind;
  if (f.server) s["server"] = *f.server;
  if (f.component) s["component"] = *f.component;
  if (f.enable && f.disable) usage("--enable", "conflicts with --disable");
  if (f.enable) s["enabled"] = true;
  if (f.disable) s["enabled"] = false;
  json r = recurrence_changes(f, fresh, zone);
  if (!r.empty()) s["recurrence"] = r;
  const std::string kind = s.value("kind", "sync");
  if (need_server && fresh && (kind == "sync" || kind == "validate") && !f.server) {
    usage("--server", "a " + kind + " schedule needs --server (a server or a group)");
  }
  return s;
}

void add_recurrence_flags(CLI::App* cmd, ScheduleFlags& f) {
  cmd->add_option("--server", f.server, "the server (or group) to sync or validate");
  cmd->add_option("--component", f.component, "core, patches or all")
      ->check(CLI::IsMember({"core", "patches", "all"}));
  cmd->add_option("--kind", f.kind, "sync (default), validate, download_patches or refresh")
      ->check(CLI::IsMember({"sync", "validate", "download_patches", "refresh"}));
  cmd->add_option("--once", f.once, "fire once, on DATE (YYYY-MM-DD)");
  cmd->add_flag("--daily", f.daily, "every day (or every --every N days)");
  cmd->add_flag("--weekly", f.weekly, "every week on --on days");
  cmd->add_flag("--monthly", f.monthly, "every month on --day N or the --nth --weekday");
  cmd->add_option("--every", f.every, "interval: every N days/weeks/months");
  cmd->add_option("--on", f.on, "weekly: weekdays, e.g. mon,wed");
  cmd->add_option("--day", f.day, "monthly: day of the month (1-31)");
  cmd->add_option("--nth", f.nth, "monthly: 1, 2, 3, 4 or last");
  cmd->add_option("--weekday", f.weekday, "monthly: the weekday of --nth, e.g. tue");
  cmd->add_option("--delay", f.delay,
                  "monthly: days after the occurrence (0-31), e.g. Patch Tuesday + 4");
  cmd->add_option("--at", f.at, "time of day, HH:MM");
  cmd->add_option("--tz", f.tz, "IANA time zone (default: the daemon's)");
  cmd->add_option("--start", f.start, "first eligible day, YYYY-MM-DD (default: today)");
}

// A fire time in the schedule's own zone, "2026-12-12 03:00 +01:00", from the daemon's ISO
// form "2026-12-12T03:00:00+01:00".
std::string schedule_local(const json& fire) {
  std::string iso = fire.value("local", "");
  if (iso.size() < 19) return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " " + iso.substr(19);
}

// A fire time as the table shows it: the schedule's wall time and UTC.
std::string local_and_utc(const json& fire) {
  std::int64_t us = fire.value("utc_us", std::int64_t{0});
  return schedule_local(fire) + " (" + format_local_minute(us, "UTC") + " UTC)";
}

Result<json> call(CliContext& ctx, std::string_view op, const json& args) {
  return ctx.request(std::string(op), args);
}

int run_add(CliContext& ctx, const ScheduleFlags& f) {
  const std::string zone = cli_zone(ctx);
  json spec = schedule_changes(f, true, zone);
  if (f.id) spec["id"] = *f.id;
  auto reply = call(ctx, "schedule.add", json{{"schedule", spec}});
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.print_json_line(*reply);
    return kExitOk;
  }
  ctx.out() << "added schedule " << reply->value("id", "") << ": "
            << reply->value("description", "") << "\n";
  for (const json& fire : (*reply)["next"])
    ctx.out() << "  next " << local_and_utc(fire) << "\n";
  return kExitOk;
}

int run_edit(CliContext& ctx, const ScheduleFlags& f) {
  if (f.ids.size() != 1) usage("schedule edit", "name exactly one schedule id");
  json changes = schedule_changes(f, false, cli_zone(ctx));
  if (f.id) usage("--id", "a schedule's id cannot change");
  if (changes.empty()) usage("schedule edit", "name at least one change");
  auto reply = call(ctx, "schedule.edit", json{{"id", f.ids[0]}, {"changes", changes}});
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.print_json_line(*reply);
  } else {
    ctx.out() << "edited schedule " << f.ids[0] << ": " << reply->value("description", "") << "\n";
  }
  return kExitOk;
}

int run_ids(CliContext& ctx, const ScheduleFlags& f, std::string_view op) {
  auto reply = call(ctx, op, json{{"ids", f.ids}});
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.print_json_line(*reply);
  } else if (op == "schedule.delete") {
    for (const std::string& id : f.ids) ctx.out() << "deleted schedule " << id << "\n";
  } else {
    for (const json& s : (*reply)["started"]) {
      ctx.out() << "schedule " << s.value("schedule", "") << ": " << s.value("kind", "") << " "
                << s.value("id", "") << (s.contains("server") ? " on " + s.value("server", "") : "")
                << (s.value("joined", false) ? " (joined a queued job)" : " started") << "\n";
    }
  }
  return kExitOk;
}

int run_list(CliContext& ctx, const ScheduleFlags& f) {
  const std::string zone = cli_zone(ctx);
  json args = {{"next", f.next == 0 ? 1 : f.next}};
  if (f.as_of) {
    auto as_of = as_of_arg(*f.as_of, zone);
    if (!as_of.ok()) usage("--as-of", as_of.status().message());
    args["as_of"] = *as_of;
  }
  auto reply = call(ctx, "schedule.list", args);
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.print_json_line(*reply);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "OWNER", "KIND", "SERVER", "COMPONENT",
                                                 "ENABLED", "WHEN", "NEXT (LOCAL)",
                                                 "NEXT (UTC)"}};
  for (const json& s : (*reply)["schedules"]) {
    std::vector<std::string> row = {
        s.value("id", ""),         s.value("owner", ""),
        s.value("kind", ""),       s.value("server", "-"),
        s.value("component", "-"), s.value("enabled", true) ? "yes" : "no",
        s.value("description", "")};
    const json& next = s.contains("next") ? s["next"] : json::array();
    if (next.empty()) {
      row.insert(row.end(), {"-", "-"});
      rows.push_back(row);
      continue;
    }
    for (std::size_t i = 0; i < next.size(); ++i) {
      std::int64_t us = next[i].value("utc_us", std::int64_t{0});
      if (i > 0) row.assign(7, "");
      row.push_back(schedule_local(next[i]));
      row.push_back(format_local_minute(us, "UTC"));
      rows.push_back(row);
      row.resize(7);
    }
  }
  for (auto& row : rows) {
    if (row[3].empty() && !row[0].empty()) row[3] = "-";
    if (row[4].empty() && !row[0].empty()) row[4] = "-";
  }
  ctx.print_table(rows);
  if (f.as_of) ctx.out() << "as of seq " << reply->value("as_of_seq", std::uint64_t{0}) << "\n";
  return kExitOk;
}

int run_preview(CliContext& ctx, const ScheduleFlags& f) {
  const std::string zone = cli_zone(ctx);
  json args = {{"next", f.next == 0 ? 5 : f.next}};
  if (f.ids.size() > 1) usage("schedule preview", "name at most one schedule id");
  if (f.ids.size() == 1) {
    args["id"] = f.ids[0];
  } else {
    json spec = schedule_changes(f, true, zone, /*need_server=*/false);
    spec.erase("server");  // a preview needs no server
    spec["kind"] = "refresh";
    args["schedule"] = spec;
  }
  auto reply = call(ctx, "schedule.preview", args);
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.print_json_line(*reply);
    return kExitOk;
  }
  ctx.out() << reply->value("description", "") << "\n";
  std::vector<std::vector<std::string>> rows = {{"LOCAL", "UTC"}};
  for (const json& fire : (*reply)["next"]) {
    std::int64_t us = fire.value("utc_us", std::int64_t{0});
    rows.push_back({schedule_local(fire), format_local_minute(us, "UTC")});
  }
  ctx.print_table(rows);
  return kExitOk;
}

}  // namespace

void register_schedule_commands(CLI::App& app, CliContext& ctx) {
  auto* schedule =
      app.add_subcommand("schedule", "add, edit, delete, list, preview and run schedules");
  schedule->require_subcommand(1);

  auto add_flags = std::make_shared<ScheduleFlags>();
  auto* add = schedule->add_subcommand("add", "add a schedule");
  add_recurrence_flags(add, *add_flags);
  add->add_option("--id", add_flags->id, "the schedule's id (default: generated)");
  add->add_flag("--disabled", add_flags->disable, "added, but does not fire");
  add->callback([&ctx, add_flags] { ctx.exit_code = run_add(ctx, *add_flags); });

  auto edit_flags = std::make_shared<ScheduleFlags>();
  auto* edit = schedule->add_subcommand("edit", "change a schedule this console owns");
  edit->add_option("id", edit_flags->ids, "schedule id")->required()->expected(1);
  add_recurrence_flags(edit, *edit_flags);
  edit->add_flag("--enable", edit_flags->enable, "let it fire again");
  edit->add_flag("--disable", edit_flags->disable, "keep it, but do not fire");
  edit->callback([&ctx, edit_flags] { ctx.exit_code = run_edit(ctx, *edit_flags); });

  auto delete_flags = std::make_shared<ScheduleFlags>();
  auto* del = schedule->add_subcommand("delete", "delete schedules (any console's, R4)");
  del->add_option("ids", delete_flags->ids, "schedule ids")->required();
  del->callback(
      [&ctx, delete_flags] { ctx.exit_code = run_ids(ctx, *delete_flags, "schedule.delete"); });

  auto list_flags = std::make_shared<ScheduleFlags>();
  auto* list =
      schedule->add_subcommand("list", "every console's schedules, owner and next fire times");
  list->add_option("--next", list_flags->next, "next N fire times (default 1)")
      ->check(CLI::Range(1, 100));
  list->add_option("--as-of", list_flags->as_of,
                   "as the schedules were then: #SEQ, ISO 8601, local \"YYYY-MM-DD HH:MM\" or 7d");
  list->callback([&ctx, list_flags] { ctx.exit_code = run_list(ctx, *list_flags); });

  auto preview_flags = std::make_shared<ScheduleFlags>();
  auto* preview =
      schedule->add_subcommand("preview", "next fire times of a schedule or of flags as for add");
  preview->add_option("id", preview_flags->ids, "schedule id (instead of flags)");
  add_recurrence_flags(preview, *preview_flags);
  preview->add_option("--next", preview_flags->next, "how many (default 5)")
      ->check(CLI::Range(1, 100));
  preview->callback([&ctx, preview_flags] { ctx.exit_code = run_preview(ctx, *preview_flags); });

  auto run_flags = std::make_shared<ScheduleFlags>();
  auto* run = schedule->add_subcommand("run", "run schedules now, in the background (R8)");
  run->add_option("ids", run_flags->ids, "schedule ids")->required();
  run->callback([&ctx, run_flags] { ctx.exit_code = run_ids(ctx, *run_flags, "schedule.run"); });
}

}  // namespace distsync
