// `distsync sync SERVER... [--component core|patches|all] [--verify] [--prune] [--wait]` and
// `distsync sync cancel|jobs|job`: manual syncs and the sync jobs (ops sync.*). With --wait the
// command follows every job it started or joined to its end: one progress line redrawn in place
// on a terminal, plain lines (at most one a second, only when something changed) otherwise;
// exit 0 when every job completed, 1 with each failed or cancelled job's reason.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "tools/distsync/cli_context.h"
#include "tools/distsync/human_units.h"

namespace distsync {
namespace {

using nlohmann::json;

// Polls start fast, so a sync with nothing to copy returns at once, and back off to this.
constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr auto kFirstPollInterval = std::chrono::milliseconds(2);
// For the first seconds polls stay this close: a short sync (a no-op re-sync, a few changed
// files) was otherwise seen to end up to 200 ms late, often more than it took. At 20 ms a
// no-op re-sync of 20,000 files (about 0.15 s) was still seen some 10 ms late on average; a
// sync.job request costs the daemon a projection read, so 5 ms for 2 s is at most 400 of them.
constexpr auto kFastPollInterval = std::chrono::milliseconds(5);
constexpr auto kFastPollFor = std::chrono::seconds(2);
constexpr auto kPlainLineInterval = std::chrono::seconds(1);

struct SyncFlags {
  std::vector<std::string> servers;
  std::string component = "all";
  bool verify = false;
  bool prune = false;
  bool force_prune = false;
  bool wait = false;
};

bool finished(const std::string& status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

// "job-7 running  12/60 files  1.2 MiB/3.4 MiB  800.0 KiB/s  ETA 0:03" (progress_json's fields);
// "... written 2.0 MiB, durable 1.2 MiB/3.4 MiB ..." while a batch has written more than is durable.
std::string progress_line(const json& p) {
  std::string line = p.value("job", "") + " " + p.value("status", "");
  if (p.value("paused", false)) line += ", paused";
  if (p.value("status", "") == "queued" || p.value("status", "") == "deferred") return line;
  line += "  " + std::to_string(p.value("files_done", 0)) + "/" +
          std::to_string(p.value("files_total", 0)) + " files  ";
  // Bytes written but not yet durable (a batch still running): both, so the line moves
  // during one large file ("written 180.0 MiB, durable 128.0 MiB/256.0 MiB").
  const double done = p.value("bytes_done", 0.0);
  const double written = p.value("bytes_written", done);
  if (written > done && !finished(p.value("status", ""))) {
    line += "written " + human_bytes(written) + ", durable ";
  }
  line += human_bytes(done) + "/" + human_bytes(p.value("bytes_total", 0.0));
  double rate = p.value("rate_bps", 0.0);
  if (rate > 0) line += "  " + human_bytes(rate) + "/s";
  std::int64_t eta = p.value("eta_s", std::int64_t{-1});
  if (eta >= 0 && !finished(p.value("status", ""))) line += "  ETA " + human_duration(eta);
  if (p.value("files_failed", 0) > 0) {
    line += "  " + std::to_string(p.value("files_failed", 0)) + " failed";
  }
  return line;
}

int follow(CliContext& ctx, const std::vector<std::string>& jobs) {
  const bool tty = !ctx.json() && isatty(STDOUT_FILENO) && &ctx.out() == &std::cout;
  std::map<std::string, json> last;
  std::string last_line;
  auto last_print = std::chrono::steady_clock::time_point{};
  bool drawn = false;
  auto interval = kFirstPollInterval;
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    bool all_done = true;
    std::string line;
    for (const std::string& job : jobs) {
      if (last.count(job) && finished(last[job].value("status", ""))) {
        line += (line.empty() ? "" : " | ") + progress_line(last[job]);
        continue;
      }
      auto p = ctx.request("sync.job", {{"job", job}});
      if (!p.ok()) {
        if (drawn) ctx.out() << "\n";
        return ctx.fail(p.status());
      }
      last[job] = *p;
      if (!finished(p->value("status", ""))) all_done = false;
      line += (line.empty() ? "" : " | ") + progress_line(*p);
    }
    if (all_done) break;
    if (!ctx.json()) {
      auto now = std::chrono::steady_clock::now();
      if (tty) {
        ctx.out() << "\r" << line << "\x1b[K" << std::flush;
        drawn = true;
      } else if (line != last_line && now - last_print >= kPlainLineInterval) {
        ctx.out() << line << "\n" << std::flush;
        last_line = line;
        last_print = now;
      }
    }
    std::this_thread::sleep_for(interval);
    const bool early = std::chrono::steady_clock::now() - started < kFastPollFor;
    interval = std::min<std::chrono::milliseconds>(interval * 2,
                                                   early ? kFastPollInterval : kPollInterval);
  }
  if (drawn) ctx.out() << "\n";
  int code = kExitOk;
  for (const std::string& job : jobs) {
    json p = last[job];
    std::string status = p.value("status", "");
    if (ctx.json()) {
      ctx.print_json_line(p);
    }
    if (status == "completed") {
      if (!ctx.json()) {
        ctx.out() << "sync " << job << " completed: " << p.value("files_done", 0) << " copied, "
                  << p.value("files_up_to_date", 0) << " already up to date, "
                  << human_bytes(p.value("bytes_done", 0.0)) << " transferred\n";
      }
      continue;
    }
    std::string reason = p.value("reason", "");
    code = ctx.fail(
        Status::unavailable("sync " + job + " " + status + (reason.empty() ? "" : ": " + reason)));
  }
  return code;
}

int run_sync(CliContext& ctx, const SyncFlags& flags) {
  json args{{"servers", flags.servers},
            {"component", flags.component},
            {"verify", flags.verify},
            {"prune", flags.prune}};
  if (flags.force_prune) args["force_prune"] = true;
  auto started = ctx.request("sync.start", args);
  if (!started.ok()) return ctx.fail(started.status());
  std::vector<std::string> jobs;
  for (const json& j : started->value("jobs", json::array())) {
    jobs.push_back(j.value("job", ""));
    if (!ctx.json()) {
      ctx.out() << "sync " << j.value("job", "") << " for " << j.value("server", "")
                << (j.value("joined", false) ? " (joined the queued job)" : " queued") << "\n";
    }
  }
  if (ctx.json() && !flags.wait) ctx.print_json_line(*started);
  ctx.out().flush();
  if (!flags.wait) return kExitOk;
  return follow(ctx, jobs);
}

void print_jobs(CliContext& ctx, const json& reply) {
  std::vector<std::vector<std::string>> rows{
      {"JOB", "SERVER", "COMPONENT", "TRIGGER", "STATUS", "FILES", "BYTES", "QUEUED", "REASON"}};
  for (const json& j : reply.value("jobs", json::array())) {
    std::string status = j.value("status", "");
    if (status == "deferred" && !j.value("deferred_by", "").empty()) {
      status += " by " + j.value("deferred_by", "");
    }
    if (j.value("paused", false)) status += ", paused";
    rows.push_back(
        {j.value("job", ""), j.value("server", ""), j.value("component", ""),
         j.value("trigger", ""), status,
         std::to_string(j.value("files_done", 0)) + "/" + std::to_string(j.value("files_total", 0)),
         human_bytes(j.value("bytes_done", 0.0)),
         format_time_us(j.value("queued_us", std::int64_t{0})), j.value("reason", "")});
  }
  if (rows.size() == 1) {
    ctx.out() << "no sync jobs\n";
    return;
  }
  ctx.print_table(rows);
}

void print_job(CliContext& ctx, const json& p) {
  ctx.out() << progress_line(p) << "\n";
  if (p.value("attempt", 0) > 1) ctx.out() << "  run " << p.value("attempt", 0) << " of the job\n";
  if (p.value("paused", false)) {
    ctx.out() << "  paused: " << p.value("paused_reason", "") << "\n";
  }
  for (const json& r : p.value("retries", json::array())) {
    ctx.out() << "  " << r.value("path", "") << ": " << r.value("cause", "") << " ("
              << r.value("message", "") << "); " << r.value("text", "") << "\n";
  }
}

}  // namespace

void register_sync_commands(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<SyncFlags>();
  auto* sync = app.add_subcommand(
      "sync", "sync servers now (SERVER... [--wait]), or cancel / list / show sync jobs");
  sync->add_option("servers", flags->servers, "servers to sync");
  sync->add_option("--component", flags->component, "what to copy: core, patches or all")
      ->check(CLI::IsMember({"core", "patches", "all"}));
  sync->add_flag("--verify", flags->verify, "re-hash every copied file on the server");
  sync->add_flag("--prune", flags->prune, "remove files that are only on the server");
  sync->add_flag("--force-prune", flags->force_prune,
                 "prune even past the prune guard's limits (implies --prune)");
  sync->add_flag("--wait", flags->wait, "follow the jobs to their end");
  sync->callback([&ctx, flags, sync] {
    // A subcommand (cancel, jobs, job) ran its own callback.
    if (!sync->get_subcommands().empty()) return;
    if (flags->servers.empty()) {
      throw CLI::ValidationError("servers", "name at least one server to sync");
    }
    ctx.exit_code = run_sync(ctx, *flags);
  });

  auto cancel_job = std::make_shared<std::string>();
  auto* cancel = sync->add_subcommand("cancel", "cancel a queued or running sync job");
  cancel->add_option("job", *cancel_job, "job id")->required();
  cancel->callback([&ctx, cancel_job] {
    ctx.exit_code = ctx.request("sync.cancel", {{"job", *cancel_job}}, [&ctx](const json& r) {
      ctx.out() << "sync " << r.value("cancelled", "") << " cancelled\n";
    });
  });

  auto all = std::make_shared<bool>(false);
  auto* jobs = sync->add_subcommand("jobs", "unfinished sync jobs (--all: finished ones too)");
  jobs->add_flag("--all", *all, "finished jobs too");
  jobs->callback([&ctx, all] {
    ctx.exit_code = ctx.request("sync.jobs", {{"all", *all}},
                               [&ctx](const json& r) { print_jobs(ctx, r); });
  });

  auto job_id = std::make_shared<std::string>();
  auto* job = sync->add_subcommand("job", "one job's progress and pending retries");
  job->add_option("job", *job_id, "job id")->required();
  job->callback([&ctx, job_id] {
    ctx.exit_code = ctx.request("sync.job", {{"job", *job_id}},
                               [&ctx](const json& p) { print_job(ctx, p); });
  });
}

}  // namespace distsync
