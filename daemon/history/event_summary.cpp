#include "daemon/history/event_summary.h"

#include <cstdio>

namespace distsync {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

std::string quoted_or_dash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

std::string event_server(const Event& e) {
  if (const auto* a = e.as<ServerAdded>()) return a->server.name;
  if (const auto* ed = e.as<ServerEdited>()) return ed->server.name;
  if (const auto* r = e.as<ServerRemoved>()) return r->name;
  if (const auto* sa = e.as<ScheduleAdded>()) return sa->schedule.server;
  if (const auto* se = e.as<ScheduleEdited>()) return se->schedule.server;
  if (const auto* q = e.as<SyncQueued>()) return q->server;
  if (const auto* v = e.as<ValidationCompleted>()) return v->server;
  if (const auto* m = e.as<GroupMemberAdded>(); m && m->kind == "server") return m->member;
  return "";
}

std::string summarize_event(const Event& e) {
  return std::visit(
      Overloaded{
          [](const ConsoleStarted&) -> std::string { return "console started"; },
          [](const ServerAdded& p) {
            return "server " + p.server.name + " at " + p.server.root_path;
          },
          [](const ServerEdited& p) {
            std::string s = "server " + p.server.name;
            if (p.previous_name != p.server.name) s += " (renamed from " + p.previous_name + ")";
            return s + (p.server.enabled ? "" : ", disabled");
          },
          [](const ServerRemoved& p) { return "server " + p.name + (p.forced ? " (forced)" : ""); },
          [](const ScheduleAdded& p) {
            return p.schedule.kind + " schedule " + p.schedule.id +
                   (p.schedule.server.empty()
                        ? ""
                        : " of " + p.schedule.component + " to " + p.schedule.server);
          },
          [](const ScheduleEdited& p) {
            return "schedule " + p.schedule.id + (p.schedule.enabled ? "" : ", disabled");
          },
          [](const ScheduleDeleted& p) { return "schedule " + p.id + " (owner " + p.owner + ")"; },
          [](const ScheduleFired& p) { return "schedule " + p.id + " fired (" + p.trigger + ")"; },
          [](const ScheduleMissed& p) { return "schedule " + p.id + " missed: " + p.reason; },
          [](const DownloadStarted& p) {
            return p.kind + " download from " + p.source + " (" + p.trigger + ")";
          },
          [](const DownloadCompleted& p) {
            return std::to_string(p.files_fetched) + " of " + std::to_string(p.files_total) +
                   " files fetched, " + human_bytes(p.bytes_fetched);
          },
          [](const DownloadFailed& p) { return "failed: " + p.reason; },
          [](const DownloadSourceChanged& p) {
            return p.kind + " source now " + quoted_or_dash(p.source);
          },
          [](const SyncQueued& p) {
            return p.component + " to " + p.server + " (" + p.trigger +
                   (p.schedule_id.empty() ? "" : " " + p.schedule_id) + ")";
          },
          [](const SyncDeferred& p) { return "deferred: " + p.reason; },
          [](const SyncStarted& p) {
            return std::to_string(p.files_total) + " files to copy (" + human_bytes(p.bytes_total) +
                   "), " + std::to_string(p.files_up_to_date) + " up to date" +
                   (p.attempt > 1 ? ", attempt " + std::to_string(p.attempt) : "");
          },
          [](const FileCopied& p) { return p.path + " (" + human_bytes(p.size) + ")"; },
          [](const FileCopyFailed& p) {
            return p.path + ": " + p.cause + ", attempt " + std::to_string(p.attempt) + " of " +
                   std::to_string(p.max_attempts);
          },
          [](const SyncCompleted& p) {
            return std::to_string(p.files_copied) + " files copied (" +
                   human_bytes(p.bytes_copied) + "), " + std::to_string(p.files_up_to_date) +
                   " up to date";
          },
          [](const SyncFailed& p) { return "failed: " + p.reason; },
          [](const SyncCancelled& p) { return "cancelled: " + p.reason; },
          [](const PruneRefused& p) {
            return "prune refused: would remove " + std::to_string(p.would_remove) + " of " +
                   std::to_string(p.files_on_server) + " files in " + p.folder;
          },
          [](const FilesPruned& p) {
            return std::to_string(p.removed.size()) + " files pruned in " + p.folder +
                   (p.forced ? " (forced)" : "");
          },
          [](const GroupAdded& p) { return "group " + p.name + " (" + p.component + ")"; },
          [](const GroupRemoved& p) { return "group " + p.name; },
          [](const GroupMemberAdded& p) { return p.kind + " " + p.member + " joined " + p.group; },
          [](const GroupMemberRemoved& p) { return p.member + " left " + p.group; },
          [](const GroupPlanSet& p) {
            if (p.bandwidth_plan.empty()) return "group " + p.name + " has no bandwidth plan";
            return "group " + p.name + " bandwidth plan " + p.bandwidth_plan + " (" +
                   (p.plan_zone.empty() ? std::string("UTC") : p.plan_zone) + ")";
          },
          [](const ValidationCompleted& p) {
            if (!p.error.empty()) return "validation of " + p.server + " failed: " + p.error;
            return "validation of " + p.server + ": " + std::to_string(p.ok) + " ok, " +
                   std::to_string(p.mismatched) + " mismatched, " + std::to_string(p.missing) +
                   " missing, " + std::to_string(p.extra) + " extra";
          },
          [](const AgentAllowed& p) { return "agent " + p.name + " allowed"; },
          [](const AgentRevoked& p) { return "agent " + p.name + " revoked"; },
          [](const EventAcknowledged& p) {
            return "acknowledged event " + std::to_string(p.acknowledged_seq) + " (" +
                   p.acknowledged_type + ") by " + p.by + (p.note.empty() ? "" : ": " + p.note);
          },
          [](const AgentLost& p) {
            std::string servers;
            for (const auto& s : p.servers) servers += (servers.empty() ? "" : ", ") + s;
            return "agent " + p.agent + " lost" +
                   (servers.empty() ? std::string() : " (servers " + servers + ")");
          },
          [](const AgentReconnected& p) {
            return "agent " + p.agent + " reconnected" +
                   (p.address.empty() ? std::string() : " from " + p.address);
          },
          [](const SyncPaused& p) { return "paused: " + p.reason; },
          [](const SyncResumed& p) {
            return "resumed after " + std::to_string(p.paused_us / 1'000'000) + " s paused";
          },
      },
      e.payload);
}

}  // namespace distsync
