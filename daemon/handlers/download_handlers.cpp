#include "daemon/handlers/download_handlers.h"

#include <algorithm>

#include "daemon/commands/sync_commands.h"
#include "daemon/downloads/download_source_check.h"
#include "daemon/handlers/request_args.h"

namespace distsync {
namespace {

Result<std::string> kind_arg(const nlohmann::json& args) {
  auto kind = required_string(args, "kind");
  if (!kind.ok()) return kind.status();
  if (!valid_download_kind(*kind)) {
    return Status::invalid_argument("unknown download kind '" + *kind +
                                    "': use refresh or patches");
  }
  return kind;
}

nlohmann::json progress_json(const DownloadProgress& p) {
  nlohmann::json j{{"files_done", p.files_done},
                   {"files_total", p.files_total},
                   {"bytes_done", p.bytes_done},
                   {"bytes_total", p.bytes_total},
                   {"bytes_per_second", p.bytes_per_second}};
  j["eta_s"] = p.eta_s ? nlohmann::json(*p.eta_s) : nlohmann::json(nullptr);
  return j;
}

// Every download record the log's state holds, finished ones included (they are evicted from
// memory but kept persisted), newest first.
Result<std::vector<DownloadRecord>> all_downloads(CommandRunner& runner) {
  std::map<std::string, DownloadRecord> by_id;
  Status s = runner.log().read_state([&](std::uint64_t, StateTable& table) {
    DownloadState::scan_finished(table, [&](const DownloadRecord& rec) {
      by_id[rec.id] = rec;
      return true;
    });
  });
  if (!s.is_ok()) return s;
  runner.read([&](const ProjectedState& st) {
    for (const DownloadRecord* d : st.downloads.running()) by_id[d->id] = *d;
  });
  std::vector<DownloadRecord> out;
  for (auto& [id, d] : by_id) out.push_back(std::move(d));
  std::sort(out.begin(), out.end(), [](const DownloadRecord& a, const DownloadRecord& b) {
    return std::tie(a.started_us, a.id) > std::tie(b.started_us, b.id);
  });
  return out;
}

Result<DownloadRecord> find_download(CommandRunner& runner, const std::string& id) {
  std::optional<DownloadRecord> live = runner.read([&](const ProjectedState& st) {
    const DownloadRecord* d = st.downloads.find(id);
    return d ? std::optional<DownloadRecord>(*d) : std::nullopt;
  });
  if (live) return *live;
  DownloadRecord rec;
  bool found = false;
  Status s = runner.log().read_state([&](std::uint64_t, StateTable& table) {
    found = DownloadState::read_finished(table, id, &rec);
  });
  if (!s.is_ok()) return s;
  if (!found) {
    return Status::not_found("no download '" + id + "'; list them with 'distsync download list'");
  }
  return rec;
}

}  // namespace

std::string effective_source(const ProjectedState& state, const DownloadSources& config_sources,
                             const std::string& kind) {
  if (const DownloadSource* set = state.downloads.sources.find(kind)) return set->source;
  auto it = config_sources.find(kind);
  return it == config_sources.end() ? std::string() : it->second;
}

nlohmann::json download_json(const DownloadRecord& d) {
  return {{"id", d.id},
          {"kind", d.kind},
          {"source", d.source},
          {"console", d.console},
          {"trigger", d.trigger},
          {"schedule_id", d.schedule_id},
          {"only", d.only},
          {"status", d.status},
          {"started_us", d.started_us},
          {"finished_us", d.finished_us},
          {"files_fetched", d.files_fetched},
          {"files_skipped", d.files_skipped},
          {"bytes_fetched", d.bytes_fetched},
          {"reason", d.reason}};
}

void register_download_handlers(RequestRouter& router, CommandRunner& runner,
                                DownloadService& service, DownloadHandlerOptions options) {
  auto with_progress = [&service](const DownloadRecord& d) {
    nlohmann::json j = download_json(d);
    j["destination"] = service.destination(d.kind);
    if (auto p = service.progress(d.id)) j["progress"] = progress_json(*p);
    return j;
  };

  router.add("download.start",
             [&runner, options](const nlohmann::json& args) -> Result<nlohmann::json> {
               auto kind = kind_arg(args);
               if (!kind.ok()) return kind.status();
               auto only = optional_string_list(args, "only", "non-empty names or globs");
               if (!only.ok()) return only.status();
               std::string id;
               auto r = runner.run([&](const ProjectedState& st, auto* out) {
                 DownloadRequest req;
                 req.kind = *kind;
                 req.source = effective_source(st, options.config_sources, *kind);
                 if (!req.source.empty()) {
                   // A config source is not checked when the config loads; it must not carry
                   // a secret into DownloadStarted either.
                   Status ok = check_download_source(req.source);
                   if (!ok.is_ok()) return ok;
                 }
                 req.only = *only;
                 req.trigger = "manual";
                 return decide_download_start(st, req, out, &id);
               });
               if (!r.ok()) return r.status();
               return nlohmann::json{{"download", id}, {"seq", r->last_seq}};
             });

  router.add("download.cancel", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto id = required_string(args, "id");
    if (!id.ok()) return id.status();
    Status s = service.cancel(*id);
    if (!s.is_ok()) return s;
    return nlohmann::json{{"cancelled", *id}};
  });

  router.add("download.list",
             [&runner, with_progress](const nlohmann::json& args) -> Result<nlohmann::json> {
               auto all = optional_bool(args, "all", false);
               if (!all.ok()) return all.status();
               auto downloads = all_downloads(runner);
               if (!downloads.ok()) return downloads.status();
               nlohmann::json running = nlohmann::json::array();
               nlohmann::json finished = nlohmann::json::array();
               for (const DownloadRecord& d : *downloads) {
                 if (d.status == "running") {
                   running.push_back(with_progress(d));
                 } else if (*all || finished.size() < kRecentFinished) {
                   finished.push_back(download_json(d));
                 }
               }
               for (auto& f : finished) running.push_back(std::move(f));
               return nlohmann::json{{"downloads", running}};
             });

  router.add("download.status",
             [&runner, with_progress](const nlohmann::json& args) -> Result<nlohmann::json> {
               auto id = required_string(args, "id");
               if (!id.ok()) return id.status();
               auto d = find_download(runner, *id);
               if (!d.ok()) return d.status();
               return with_progress(*d);
             });

  router.add("download.source", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto kind = kind_arg(args);
    if (!kind.ok()) return kind.status();
    auto source = required_string(args, "source");
    if (!source.ok()) return source.status();
    Status ok = check_download_source(*source);
    if (!ok.is_ok()) return ok;
    auto r = runner.run([&](const ProjectedState&, auto* out) {
      out->push_back({"", DownloadSourceChanged{*kind, *source}});
      return Status::ok();
    });
    if (!r.ok()) return r.status();
    return nlohmann::json{{"kind", *kind}, {"source", *source}, {"seq", r->last_seq}};
  });

  router.add(
      "download.sources", [&runner, options](const nlohmann::json&) -> Result<nlohmann::json> {
        return runner.read([&](const ProjectedState& st) {
          nlohmann::json sources = nlohmann::json::array();
          for (const char* kind : {"refresh", "patches"}) {
            std::string origin = "unset";
            if (st.downloads.sources.find(kind)) {
              origin = "operator";
            } else if (auto it = options.config_sources.find(kind);
                       it != options.config_sources.end() && !it->second.empty()) {
              origin = "config";
            }
            sources.push_back({{"kind", kind},
                               {"source", effective_source(st, options.config_sources, kind)},
                               {"origin", origin}});
          }
          return nlohmann::json{{"sources", sources}};
        });
      });
}

}  // namespace distsync
