// HttpClient: GET of one URL from a byte offset, streamed to callbacks, over libcurl.
//
// Asks for `Range: bytes=N-` when resuming and tells the caller where the body really starts
// (206 => N, 200 => 0). Gives up on a connection that takes longer than the connect timeout,
// or a transfer that receives nothing for the stall timeout, and classifies every ending
// (see ReadOutcome). Redirects are followed within http/https only. One client reuses one
// connection; use it from one thread at a time. libcurl stays behind the implementation.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "daemon/fetch/source.h"

namespace distsync {

class HttpClient {
 public:
  // `cancel` may be null; if not, it must outlive the client.
  HttpClient(long connect_timeout_ms, long stall_timeout_ms, std::atomic<bool>* cancel);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  ReadOutcome get(const std::string& url, std::uint64_t offset, const ReadStart& on_start,
                  const ReadChunk& on_chunk);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
