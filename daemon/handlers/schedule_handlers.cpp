#include "daemon/handlers/schedule_handlers.h"

#include "daemon/commands/ids.h"
#include "daemon/history/as_of.h"
#include "daemon/handlers/json_bridge.h"
#include "daemon/handlers/request_args.h"
#include "daemon/wall_clock.h"
#include "projections/calendar/iso_time.h"
#include "projections/calendar/recurrence.h"

namespace distsync {
namespace {

std::string ordinal(int n) {
  switch (n) {
    case 1: return "1st";
    case 2: return "2nd";
    case 3: return "3rd";
    case -1: return "last";
    default: return std::to_string(n) + "th";
  }
}

Result<nlohmann::json> fire_times(const Recurrence& r, std::int64_t after_us, std::size_t n) {
  auto fires = next_fires(r, after_us, n);
  if (!fires.ok()) return fires.status();
  nlohmann::json out = nlohmann::json::array();
  for (std::int64_t t : *fires) {
    auto local = format_local_iso(t, r.time_zone);
    out.push_back({{"local", local.ok() ? *local : ""}, {"utc", format_utc_iso(t)}, {"utc_us", t}});
  }
  return out;
}

nlohmann::json schedule_json(const ScheduleRecord& rec, std::size_t next, std::int64_t now) {
  nlohmann::json j = without_versions(to_json_value(rec.spec));
  j["owner"] = rec.owner;
  j["description"] = describe(rec.spec.recurrence);
  j["fired"] = rec.fired;
  j["missed"] = rec.missed;
  if (rec.last_occurrence_us) j["last_occurrence"] = format_utc_iso(rec.last_occurrence_us);
  if (next > 0) {
    auto fires = fire_times(rec.spec.recurrence, std::max(now, std::max(rec.last_occurrence_us, rec.changed_us)), next);
    j["next"] = fires.ok() ? *fires : nlohmann::json::array();
  }
  return j;
}

Status spec_from_args(const nlohmann::json& args, const std::string& default_zone, ScheduleSpec* spec) {
  spec->recurrence.time_zone = default_zone;
  Status s = merge_json(args.value("schedule", nlohmann::json::object()), spec, "schedule");
  if (!s.is_ok()) return s;
  if (spec->kind != "sync" && spec->kind != "validate") {
    spec->server.clear();
    spec->component.clear();
  } else if (spec->component.empty()) {
    spec->component = "all";
  }
  return Status::ok();
}


}  // namespace

std::string describe(const Recurrence& r) {
  std::string when;
  switch (r.frequency) {
    case Frequency::kOnce: when = "once on " + r.start_date; break;
    case Frequency::kDaily:
      when = r.interval == 1 ? "daily" : "every " + std::to_string(r.interval) + " days";
      break;
    case Frequency::kWeekly: {
      when = r.interval == 1 ? "weekly on " : "every " + std::to_string(r.interval) + " weeks on ";
      for (std::size_t i = 0; i < r.weekdays.size(); ++i) when += (i ? "," : "") + r.weekdays[i];
      break;
    }
    case Frequency::kMonthly:
      when = r.interval == 1 ? "monthly, " : "every " + std::to_string(r.interval) + " months, ";
      if (r.monthly_mode == MonthlyMode::kDayOfMonth) when += "day " + std::to_string(r.day_of_month);
      else when += "the " + ordinal(r.nth) + " " + r.weekday;
      if (r.delay_days) when += " + " + std::to_string(r.delay_days) + " days";
      break;
  }
  return when + ", at " + r.time_of_day + " " + r.time_zone;
}

void register_schedule_handlers(RequestRouter& router, CommandRunner& runner,
                                ScheduleHandlerOptions options) {
  auto opts = std::make_shared<ScheduleHandlerOptions>(std::move(options));
  auto sources = [opts] { return opts->download_sources ? opts->download_sources() : DownloadSources{}; };
  auto changed = [opts] {
    if (opts->on_change) opts->on_change();
  };

  router.add("schedule.add", [&runner, opts, changed](const nlohmann::json& args) -> Result<nlohmann::json> {
    ScheduleSpec spec;
    Status s = spec_from_args(args, opts->default_time_zone, &spec);
    if (!s.is_ok()) return s;
    if (spec.id.empty()) spec.id = new_id("sch");
    const std::int64_t now = wall_clock_us();
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_schedule_add(st, opts->console, spec, now, out);
    });
    if (!r.ok()) return r.status();
    changed();
    auto next = fire_times(spec.recurrence, now, 3);
    return nlohmann::json{{"id", spec.id}, {"description", describe(spec.recurrence)},
                          {"next", next.ok() ? *next : nlohmann::json::array()}};
  });

  router.add("schedule.edit", [&runner, opts, changed](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto id_arg = required_string(args, "id");
    if (!id_arg.ok()) return id_arg.status();
    const std::string id = *id_arg;
    const std::int64_t now = wall_clock_us();
    ScheduleSpec spec;
    auto r = runner.run([&](const ProjectedState& st, auto* out) -> Status {
      const ScheduleRecord* rec = st.schedules.find(id);
      if (!rec) return Status::not_found("no schedule with id '" + id + "'");
      spec = rec->spec;
      Status merged = merge_json(args.value("changes", nlohmann::json::object()), &spec, "schedule");
      if (!merged.is_ok()) return merged;
      if (spec.id != id) return Status::invalid_argument("a schedule's id cannot change");
      return decide_schedule_edit(st, opts->console, spec, now, out);
    });
    if (!r.ok()) return r.status();
    changed();
    return nlohmann::json{{"id", id}, {"description", describe(spec.recurrence)}};
  });

  router.add("schedule.delete", [&runner, changed](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto listed = optional_string_list(args, "ids", "schedule ids");
    if (!listed.ok()) return listed.status();
    const std::vector<std::string>& ids = *listed;
    if (ids.empty()) return Status::invalid_argument("name at least one schedule id");
    auto r = runner.run([&](const ProjectedState& st, auto* out) -> Status {
      for (const std::string& id : ids) {
        Status s = decide_schedule_delete(st, id, out);
        if (!s.is_ok()) return s;
      }
      return Status::ok();
    });
    if (!r.ok()) return r.status();
    changed();
    return nlohmann::json{{"deleted", ids}};
  });

  router.add("schedule.list", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto next_arg = optional_uint(args, "next", 3);
    if (!next_arg.ok()) return next_arg.status();
    const std::size_t next = static_cast<std::size_t>(std::min<std::uint64_t>(*next_arg, 100));
    const std::int64_t now = wall_clock_us();
    auto list = [&](const ProjectedState& st) {
      nlohmann::json schedules = nlohmann::json::array();
      for (const auto& [id, rec] : st.schedules.schedules.items()) schedules.push_back(schedule_json(rec, next, now));
      return nlohmann::json{{"schedules", schedules}, {"as_of_seq", st.seq}};
    };
    auto as_of = optional_string(args, "as_of", "");
    if (!as_of.ok()) return as_of.status();
    if (!as_of->empty()) {
      auto seq = resolve_as_of(runner.log(), *as_of, now);
      if (!seq.ok()) return seq.status();
      auto state = state_as_of(runner.log(), *seq);
      if (!state.ok()) return state.status();
      return list(**state);
    }
    return runner.read(list);
  });

  router.add("schedule.preview", [&runner, opts](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto next_arg = optional_uint(args, "next", 5);
    if (!next_arg.ok()) return next_arg.status();
    const std::size_t next = static_cast<std::size_t>(std::min<std::uint64_t>(*next_arg, 100));
    const std::int64_t now = wall_clock_us();
    Recurrence r;
    auto id_arg = optional_string(args, "id", "");
    if (!id_arg.ok()) return id_arg.status();
    const std::string id = *id_arg;
    if (!id.empty()) {
      auto found = runner.read([&](const ProjectedState& st) -> std::optional<Recurrence> {
        const ScheduleRecord* rec = st.schedules.find(id);
        if (!rec) return std::nullopt;
        return rec->spec.recurrence;
      });
      if (!found) return Status::not_found("no schedule with id '" + id + "'");
      r = *found;
    } else {
      ScheduleSpec spec;
      Status s = spec_from_args(args, opts->default_time_zone, &spec);
      if (!s.is_ok()) return s;
      r = spec.recurrence;
    }
    Status valid = validate_at(r, now);
    if (!valid.is_ok()) return valid;
    auto fires = fire_times(r, now, next);
    if (!fires.ok()) return fires.status();
    return nlohmann::json{{"description", describe(r)}, {"next", *fires}};
  });

  router.add("schedule.run", [&runner, opts, sources](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto ids = optional_string_list(args, "ids", "schedule ids");
    if (!ids.ok()) return ids.status();
    std::vector<Started> started;
    DownloadSources src = sources();
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      started.clear();
      return decide_schedule_run(st, opts->console, *ids, src, out, &started);
    });
    if (!r.ok()) return r.status();
    if (opts->on_started) opts->on_started(started);
    nlohmann::json out = nlohmann::json::array();
    for (const Started& s : started) {
      nlohmann::json one{{"schedule", s.schedule_id}, {"kind", s.kind}, {"id", s.id}, {"joined", s.joined}};
      if (!s.server.empty()) one["server"] = s.server;
      out.push_back(std::move(one));
    }
    return nlohmann::json{{"started", out}};
  });
}

}  // namespace distsync
