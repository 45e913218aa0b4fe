// post_webhook (alert_sinks.h) over libcurl.
#include <curl/curl.h>

#include <mutex>

#include "daemon/alerts/alert_sinks.h"

namespace distsync {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t discard(char*, size_t size, size_t nitems, void*) { return size * nitems; }

int on_progress(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* flag = static_cast<const std::atomic<bool>*>(stop);
  return flag != nullptr && flag->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

AttemptOutcome post_webhook(const std::string& url, const std::vector<std::string>& headers,
                            const std::string& body, std::int64_t timeout_ms,
                            const std::atomic<bool>* stop) {
  init_curl_once();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {false, "cannot create an HTTP handle"};
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(stop));
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc == CURLE_ABORTED_BY_CALLBACK) return {false, "stopped"};
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return {false, "timed out after " + std::to_string(timeout_ms) + " ms"};
  }
  if (rc != CURLE_OK) return {false, curl_easy_strerror(rc)};
  return {code >= 200 && code < 300, "HTTP " + std::to_string(code)};
}

}  // namespace distsync
