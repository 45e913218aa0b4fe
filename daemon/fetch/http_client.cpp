#include "daemon/fetch/http_client.h"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>

namespace distsync {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = ReadOutcome::Kind;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { DISTSYNC_CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK); });
}

// State of one request, shared with libcurl's callbacks.
struct Request {
  CURL* curl = nullptr;
  std::uint64_t offset = 0;
  const ReadStart* on_start = nullptr;
  const ReadChunk* on_chunk = nullptr;
  std::atomic<bool>* cancel = nullptr;
  long stall_timeout_ms = 0;

  std::optional<std::uint64_t> content_range_start;
  bool started = false;     // on_start has been called
  bool error_body = false;  // a non-2xx answer: its body is discarded
  bool cancelled = false;
  bool stalled = false;
  Status sink_status;  // the first non-ok status from on_start/on_chunk or our checks
  curl_off_t last_dlnow = -1;
  Clock::time_point last_progress = Clock::now();

  bool cancel_requested() const {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
  }
};

bool iequals_prefix(const char* line, std::size_t len, std::string_view prefix) {
  if (len < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

size_t on_header(char* data, size_t size, size_t nitems, void* userdata) {
  auto* r = static_cast<Request*>(userdata);
  size_t len = size * nitems;
  if (iequals_prefix(data, len, "http/")) {
    r->content_range_start.reset();  // a new response (after a redirect or 100-continue)
  } else if (iequals_prefix(data, len, "content-range:")) {
    // "Content-Range: bytes 100-199/200"
    std::string value(data + 14, len - 14);
    std::size_t pos = value.find("bytes");
    if (pos != std::string::npos) {
      std::uint64_t start = 0;
      bool digits = false;
      for (std::size_t i = pos + 5; i < value.size(); ++i) {
        char c = value[i];
        if (c == ' ' && !digits) continue;
        if (c < '0' || c > '9') break;
        start = start * 10 + static_cast<std::uint64_t>(c - '0');
        digits = true;
      }
      if (digits) r->content_range_start = start;
    }
  }
  return len;
}

Status begin_body(Request* r) {
  long code = 0;
  curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &code);
  std::uint64_t start = 0;
  if (code == 206) {
    if (!r->content_range_start) {
      return Status::corruption("server answered 206 without a Content-Range header");
    }
    start = *r->content_range_start;
    if (start != r->offset) {
      return Status::corruption("server sent bytes from " + std::to_string(start) + ", asked for " +
                                std::to_string(r->offset));
    }
  }
  r->started = true;
  return (*r->on_start)(start);
}

size_t on_write(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* r = static_cast<Request*>(userdata);
  size_t len = size * nmemb;
  if (r->error_body) return len;
  if (!r->started) {
    long code = 0;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code >= 300) {
      r->error_body = true;
      return len;
    }
    r->sink_status = begin_body(r);
    if (!r->sink_status.is_ok()) return 0;
  }
  if (r->cancel_requested()) {
    r->cancelled = true;
    return 0;
  }
  r->sink_status = (*r->on_chunk)(data, len);
  return r->sink_status.is_ok() ? len : 0;
}

int on_progress(void* userdata, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* r = static_cast<Request*>(userdata);
  if (r->cancel_requested()) {
    r->cancelled = true;
    return 1;
  }
  auto now = Clock::now();
  if (dlnow != r->last_dlnow) {
    r->last_dlnow = dlnow;
    r->last_progress = now;
  } else if (now - r->last_progress > std::chrono::milliseconds(r->stall_timeout_ms)) {
    r->stalled = true;
    return 1;
  }
  return 0;
}

bool retryable(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  long connect_timeout_ms;
  long stall_timeout_ms;
  std::atomic<bool>* cancel;
};

HttpClient::HttpClient(long connect_timeout_ms, long stall_timeout_ms, std::atomic<bool>* cancel)
    : impl_(std::make_unique<Impl>()) {
  init_curl_once();
  impl_->curl = curl_easy_init();
  DISTSYNC_CHECK(impl_->curl != nullptr);
  impl_->connect_timeout_ms = connect_timeout_ms;
  impl_->stall_timeout_ms = stall_timeout_ms;
  impl_->cancel = cancel;
}

HttpClient::~HttpClient() { curl_easy_cleanup(impl_->curl); }

ReadOutcome HttpClient::get(const std::string& url, std::uint64_t offset, const ReadStart& on_start,
                            const ReadChunk& on_chunk) {
  CURL* curl = impl_->curl;
  curl_easy_reset(curl);  // keeps the connection cache
  Request r;
  r.curl = curl;
  r.offset = offset;
  r.on_start = &on_start;
  r.on_chunk = &on_chunk;
  r.cancel = impl_->cancel;
  r.stall_timeout_ms = impl_->stall_timeout_ms;
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "distsync-fetch/1");
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, impl_->connect_timeout_ms);
  // Backstop for the progress-callback stall detector, at libcurl's one-second granularity.
  long stall_s = (impl_->stall_timeout_ms + 999) / 1000 + 1;
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, stall_s);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &r);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
  // CURLOPT_RANGE rather than CURLOPT_RESUME_FROM_LARGE: with the latter libcurl fails a 200
  // answer (CURLE_RANGE_ERROR); with a plain range we can take the 200 body and start over.
  std::string range = std::to_string(offset) + "-";
  if (offset > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());

  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);

  if (r.cancelled || r.cancel_requested()) return {Kind::kCancelled, "cancelled", false};
  if (!r.sink_status.is_ok()) return {Kind::kFailed, r.sink_status.message(), false};
  if (r.stalled) {
    return {Kind::kRetryable,
            "GET " + url + ": nothing received for " + std::to_string(impl_->stall_timeout_ms) +
                " ms (stall timeout)",
            false};
  }
  if (rc == CURLE_OK && code >= 200 && code < 300) {
    if (!r.started) {  // an empty body: no write callback ran
      Status s = begin_body(&r);
      if (!s.is_ok()) return {Kind::kFailed, s.message(), false};
    }
    return {};
  }
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    Kind kind = retryable(rc) ? Kind::kRetryable : Kind::kFailed;
    return {kind, "GET " + url + ": " + why, false};
  }
  std::string msg = "GET " + url + ": HTTP " + std::to_string(code);
  if (code == 416) return {Kind::kRetryable, msg + " (range not satisfiable)", true, code};
  bool transient = code == 408 || code == 429 || code >= 500;
  return {transient ? Kind::kRetryable : Kind::kFailed, msg, false, code};
}

}  // namespace distsync
