// WebServer: the HTTP side of distsync-web (cpp-httplib). It serves the page's static files
// from the assets dir, forwards the page's control ops to the daemon and streams the bus to
// the page as Server-Sent Events.
//
//   GET  /                     assets/index.html; /<file>: the assets dir (no listing)
//   GET  /api/session          sets the session cookie; {"csrf","read_only","operator",
//                              "console","head"}
//   POST /api/op/<op>          body: the op's args (JSON object); reply {"ok":true,"result"}
//                              or {"ok":false,"error"} (400/403/404/409/503)
//   GET  /api/events?after=N   text/event-stream: "id: seq\ndata: <event JSON>\n\n", every
//                              event after N (or Last-Event-ID) once, in order
//   GET  /api/history.csv?...  history.query's filters, every page, as CSV
//   GET  /api/report.csv?servers=a,b   the File Status Report as CSV
//
// Every request must name an allowed Host; every POST passes RequestGuard::check_post; write
// ops are refused (403) with read_only. Replies pass redact_secrets. `pool` and `feed` must
// outlive the server. serve() blocks until stop(), which any thread may call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "events/result.h"
#include "tools/web/client_pool.h"
#include "tools/web/event_feed.h"
#include "tools/web/request_guard.h"

namespace distsync {

struct WebServerOptions {
  std::string host = "127.0.0.1";
  int port = 8730;  // 0: any free port
  std::string assets_dir;
  bool read_only = false;
  std::vector<std::string> extra_hosts;  // more Host values to accept (--allow-host)
  std::string operator_name;             // the default name of acknowledgements
};

class WebServer {
 public:
  WebServer(WebServerOptions options, ClientPool& pool, EventFeed& feed);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds the listening socket; the port bound (the chosen one for port 0).
  Result<int> bind();
  // Serves until stop(). REQUIRES: bind() succeeded.
  void serve();
  void stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
