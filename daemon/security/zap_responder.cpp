#include "daemon/security/zap_responder.h"

#include <zmq.h>

#include <cstring>

namespace distsync {
namespace {

constexpr std::size_t kRequestFrames = 6;  // version .. mechanism; credentials follow

// Every frame of one multipart message, or none when nothing is waiting.
std::vector<std::string> receive_all(void* socket) {
  std::vector<std::string> frames;
  for (;;) {
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, socket, frames.empty() ? ZMQ_DONTWAIT : 0) < 0) {
      zmq_msg_close(&msg);
      return frames;
    }
    frames.emplace_back(static_cast<const char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
    bool more = zmq_msg_more(&msg);
    zmq_msg_close(&msg);
    if (!more) return frames;
  }
}

}  // namespace

std::vector<std::string> ZapResponder::answer(const std::vector<std::string>& f) {
  std::string request_id = f.size() > 1 ? f[1] : std::string();
  std::string status = "400", text, user;
  if (f.size() < kRequestFrames) {
    text = "malformed ZAP request";
  } else if (f[0] != "1.0") {
    text = "ZAP version not supported";
  } else if (f[5] != "CURVE") {
    text = "mechanism not allowed";
  } else if (f.size() != kRequestFrames + 1 || f[6].size() != 32) {
    text = "malformed CURVE credential";
  } else {
    char z85[41] = {};
    zmq_z85_encode(z85, reinterpret_cast<const std::uint8_t*>(f[6].data()), 32);
    if (std::optional<std::string> name = lookup_(z85)) {
      status = "200";
      text = "OK";
      user = std::move(*name);
    } else {
      text = "key not allowed";
    }
  }
  if (status != "200") ++refused_;
  return {"1.0", std::move(request_id), std::move(status), std::move(text), std::move(user), ""};
}

bool ZapResponder::serve_one(void* socket) {
  std::vector<std::string> request = receive_all(socket);
  // A REP socket must answer what it received before it can receive again, so even a
  // malformed request gets its (refusing) reply.
  if (request.empty()) return false;
  std::vector<std::string> reply = answer(request);
  for (std::size_t i = 0; i < reply.size(); ++i) {
    int flags = ZMQ_DONTWAIT | (i + 1 < reply.size() ? ZMQ_SNDMORE : 0);
    if (zmq_send(socket, reply[i].data(), reply[i].size(), flags) < 0) return false;
  }
  return true;
}

}  // namespace distsync
