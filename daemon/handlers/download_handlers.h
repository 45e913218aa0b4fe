// Control ops for downloads to the console (docs/protocol.md, docs/downloads.md):
//   "download.start"   {kind: "refresh"|"patches", only?: [names or globs]} -> {download: id}
//   "download.cancel"  {id}                       -> {cancelled: id}
//   "download.list"    {all?: bool}               -> {downloads: [...]}: running ones, then
//                      the kRecentFinished latest finished (every finished one with all)
//   "download.status"  {id}                       -> one download, with live progress while
//                      this daemon runs it
//   "download.source"  {kind, source}             -> records DownloadSourceChanged after
//                      check_download_source() (no credentials in events)
//   "download.sources" {}                         -> {sources: [{kind, source, origin}]}
// A download's source is resolved inside the start command: the operator's last
// DownloadSourceChanged for its kind, else the config default. `runner` and `service` must
// outlive the router.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "daemon/commands/schedule_commands.h"
#include "daemon/downloads/download_service.h"
#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

inline constexpr std::size_t kRecentFinished = 10;

struct DownloadHandlerOptions {
  DownloadSources config_sources;  // by kind, from the config; empty values are unset
};

void register_download_handlers(RequestRouter& router, CommandRunner& runner,
                                DownloadService& service, DownloadHandlerOptions options);

// The source a download of `kind` uses now: the operator's, else the config's, else "".
std::string effective_source(const ProjectedState& state, const DownloadSources& config_sources,
                             const std::string& kind);

nlohmann::json download_json(const DownloadRecord& d);

}  // namespace distsync
