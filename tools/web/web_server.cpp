#include "tools/web/web_server.h"

#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "tools/web/history_csv.h"
#include "tools/web/op_policy.h"

namespace distsync {

using nlohmann::json;

namespace {

int http_status(const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kConflict: return 409;
    case Status::Code::kUnavailable: return 503;
    default: return 500;
  }
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void send_error(httplib::Response& res, int code, const std::string& message) {
  res.status = code;
  res.set_content(dump(json{{"ok", false}, {"error", message}}), "application/json");
}

std::uint64_t parse_seq(const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  return std::stoull(text);
}

// cpp-httplib compresses with brotli when the browser accepts it ("br"), at brotli's default
// quality 11: seconds per megabyte of JSON (the servers pane of 1,000 servers waited 5 s for
// 1 MB, bench/web_bench.py). gzip costs milliseconds, so the request is left offering gzip
// (and deflate) only. httplib hands handlers the Request it owns as const; the object itself
// is not const, so this edit of its headers is well-defined.
void offer_gzip_only(const httplib::Request& req) {
  auto& headers = const_cast<httplib::Request&>(req).headers;
  auto it = headers.find("Accept-Encoding");
  if (it == headers.end()) return;
  std::string offered;
  for (const char* coding : {"gzip", "deflate"}) {
    if (it->second.find(coding) == std::string::npos) continue;
    offered += offered.empty() ? coding : std::string(", ") + coding;
  }
  headers.erase(it);
  if (!offered.empty()) headers.emplace("Accept-Encoding", offered);
}

}  // namespace

class WebServer::Impl {
 public:
  Impl(WebServerOptions options, ClientPool& pool, EventFeed& feed)
      : options_(std::move(options)), pool_(pool), feed_(feed) {}

  Result<int> bind() {
    int port = options_.port;
    if (port == 0) {
      port = server_.bind_to_any_port(options_.host);
      if (port <= 0) return Status::unavailable("cannot listen on " + options_.host + ": no free port");
    } else if (!server_.bind_to_port(options_.host, port)) {
      return Status::unavailable("cannot listen on " + options_.host + ":" + std::to_string(port) +
                                 " (in use? pick another with --port)");
    }
    std::vector<std::string> hosts = options_.extra_hosts;
    const std::string p = ":" + std::to_string(port);
    for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) hosts.push_back(h + p);
    const bool v6 = options_.host.find(':') != std::string::npos;
    hosts.push_back((v6 ? "[" + options_.host + "]" : options_.host) + p);
    guard_ = std::make_unique<RequestGuard>(hosts);
    routes();
    return port;
  }

  void serve() { server_.listen_after_bind(); }
  void stop() {
    stopping_ = true;
    feed_.stop();
    server_.stop();
  }

 private:
  void routes() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.set_payload_max_length(1 << 20);
    server_.set_keep_alive_timeout(2);
    server_.set_default_headers({
        {"Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "same-origin"},
        {"Cache-Control", "no-store"},
    });
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      offer_gzip_only(req);
      Status s = guard_->check_host(req.get_header_value("Host"));
      if (s.is_ok()) return httplib::Server::HandlerResponse::Unhandled;
      send_error(res, 403, s.message());
      return httplib::Server::HandlerResponse::Handled;
    });
    server_.set_file_extension_and_mimetype_mapping("js", "text/javascript");
    server_.set_mount_point("/", options_.assets_dir);

    server_.Get("/api/session", [this](const httplib::Request& req, httplib::Response& res) {
      Session s = guard_->session_for(req.get_header_value("Cookie"));
      res.set_header("Set-Cookie", std::string(RequestGuard::kCookieName) + "=" + s.id +
                                       "; Path=/; HttpOnly; SameSite=Strict");
      json reply = {{"csrf", s.csrf},
                    {"read_only", options_.read_only},
                    {"operator", options_.operator_name},
                    {"head", feed_.last_seq()}};
      auto status = pool_.call("status", json::object());
      if (status.ok()) {
        reply["console"] = status->value("console_id", "");
        reply["version"] = status->value("version", "");
        reply["head"] = status->value("last_seq", std::uint64_t{0});
      } else {
        reply["daemon_error"] = status.status().message();
      }
      res.set_content(dump(reply), "application/json");
    });

    server_.Post(R"(/api/op/([a-z._]+))", [this](const httplib::Request& req,
                                                  httplib::Response& res) {
      Status guard = guard_->check_post(req.get_header_value("Host"), req.get_header_value("Origin"),
                                       req.get_header_value("Referer"),
                                       req.get_header_value("Cookie"),
                                       req.get_header_value("X-CSRF-Token"));
      if (!guard.is_ok()) return send_error(res, 403, guard.message());
      const std::string op = req.matches[1];
      const OpKind kind = op_kind(op);
      if (kind == OpKind::kUnknown) return send_error(res, 404, "unknown op '" + op + "'");
      if (kind == OpKind::kWrite && options_.read_only) {
        return send_error(res, 403, "this web console is read-only (--read-only): '" + op +
                                        "' changes state");
      }
      json args = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
      if (!args.is_object()) return send_error(res, 400, "the request body must be a JSON object");
      auto reply = pool_.call(op, args);
      if (!reply.ok()) return send_error(res, http_status(reply.status()), reply.status().message());
      res.set_content(dump(json{{"ok", true}, {"result", redact_secrets(std::move(*reply))}}),
                      "application/json");
    });

    server_.Get("/api/events", [this](const httplib::Request& req, httplib::Response& res) {
      std::uint64_t after = parse_seq(req.get_header_value("Last-Event-ID"));
      if (after == 0) after = parse_seq(req.get_param_value("after"));
      res.set_header("X-Accel-Buffering", "no");
      auto cursor = std::make_shared<std::uint64_t>(after);
      res.set_chunked_content_provider(
          "text/event-stream", [this, cursor](std::size_t, httplib::DataSink& sink) {
            return stream_events(cursor.get(), sink);
          });
    });

    server_.Get("/api/history.csv", [this](const httplib::Request& req, httplib::Response& res) {
      json args = json::object();
      for (const char* key : {"server", "job", "schedule", "console", "type", "since", "until"}) {
        if (req.has_param(key) && !req.get_param_value(key).empty()) {
          args[key] = req.get_param_value(key);
        }
      }
      args["limit"] = 10000;
      std::string csv = history_csv_header();
      std::uint64_t after = 0;
      for (int page = 0; page < 100; ++page) {  // at most a million rows
        args["after_seq"] = after;
        auto reply = pool_.call("history.query", args);
        if (!reply.ok()) return send_error(res, http_status(reply.status()), reply.status().message());
        json redacted = redact_secrets(std::move(*reply));
        csv += history_csv_rows(redacted);
        const json& events = redacted["events"];
        if (!redacted.value("more", false) || events.empty()) break;
        after = events.back().value("seq", std::uint64_t{0});
      }
      res.set_header("Content-Disposition", "attachment; filename=\"distsync-history.csv\"");
      res.set_content(csv, "text/csv; charset=utf-8");
    });

    server_.Get("/api/report.csv", [this](const httplib::Request& req, httplib::Response& res) {
      json servers = json::array();
      std::string list = req.get_param_value("servers");
      std::size_t start = 0;
      while (start < list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        if (comma > start) servers.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
      auto reply = pool_.call("report", json{{"servers", servers}, {"format", "csv"}});
      if (!reply.ok()) return send_error(res, http_status(reply.status()), reply.status().message());
      res.set_header("Content-Disposition", "attachment; filename=\"file-status-report.csv\"");
      res.set_content(reply->value("csv", ""), "text/csv; charset=utf-8");
    });
  }

  // One step of an SSE stream: the events after *cursor (from the feed, or over control when
  // the feed's ring no longer holds them), or a keep-alive comment after 10 s of quiet.
  bool stream_events(std::uint64_t* cursor, httplib::DataSink& sink) {
    if (stopping_) return false;
    FeedBatch batch = feed_.wait_after(*cursor, std::chrono::seconds(10));
    if (batch.stopping || stopping_) return false;
    std::string out;
    if (batch.events.empty() && *cursor + 1 < batch.first_buffered) {
      auto reply = pool_.call("events.read", json{{"from", *cursor + 1},
                                                  {"to", batch.first_buffered - 1},
                                                  {"limit", 1000}});
      if (!reply.ok()) {
        out = "event: daemon-error\ndata: " + dump(reply.status().message()) + "\n\n";
      } else {
        for (json& e : (*reply)["events"]) {
          const std::uint64_t seq = e.value("seq", std::uint64_t{0});
          if (seq <= *cursor) continue;
          out += "id: " + std::to_string(seq) + "\ndata: " + dump(redact_secrets(std::move(e))) +
                 "\n\n";
          *cursor = seq;
        }
      }
    }
    for (const auto& [seq, text] : batch.events) {
      out += "id: " + std::to_string(seq) + "\ndata: " + text + "\n\n";
      *cursor = seq;
    }
    if (out.empty()) out = ": keep-alive\n\n";
    return sink.write(out.data(), out.size());
  }

  WebServerOptions options_;
  ClientPool& pool_;
  EventFeed& feed_;
  std::unique_ptr<RequestGuard> guard_;  // set by bind(), once the port is known
  httplib::Server server_;
  std::atomic<bool> stopping_{false};
};

WebServer::WebServer(WebServerOptions options, ClientPool& pool, EventFeed& feed)
    : impl_(std::make_unique<Impl>(std::move(options), pool, feed)) {}
WebServer::~WebServer() = default;
Result<int> WebServer::bind() { return impl_->bind(); }
void WebServer::serve() { impl_->serve(); }
void WebServer::stop() { impl_->stop(); }

}  // namespace distsync
