#include "daemon/security/zap_handler.h"

#include <spdlog/spdlog.h>
#include <zmq.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace distsync {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

std::vector<std::string> receive_all(void* socket) {
  std::vector<std::string> frames;
  for (;;) {
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, socket, ZMQ_DONTWAIT) < 0) {
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

Result<std::unique_ptr<ZapHandler>> ZapHandler::start(
    void* zmq_context, std::shared_ptr<ClientRegistry> clients) {
  void* socket = zmq_socket(zmq_context, ZMQ_REP);
  if (socket == nullptr) {
    return Status::unavailable(std::string("ZAP handler: ") + zmq_strerror(zmq_errno()));
  }
  int linger = 0;
  zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_bind(socket, kZapEndpoint) != 0) {
    std::string why = zmq_strerror(zmq_errno());
    zmq_close(socket);
    return Status::unavailable("ZAP handler cannot bind " + std::string(kZapEndpoint) + ": " +
                               why);
  }
  auto handler = std::unique_ptr<ZapHandler>(new ZapHandler(socket, std::move(clients)));
  handler->thread_ = std::thread([h = handler.get()] { h->loop(); });
  return handler;
}

ZapHandler::ZapHandler(void* socket, std::shared_ptr<ClientRegistry> clients)
    : socket_(socket), clients_(std::move(clients)) {}

ZapHandler::~ZapHandler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  zmq_close(socket_);
}

void ZapHandler::loop() {
  while (!stop_) {
    zmq_pollitem_t item = {socket_, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll(&item, 1, 100);
    if (rc < 0) {
      if (zmq_errno() == EINTR) continue;
      if (zmq_errno() == ETERM) return;
      spdlog::error("ZAP handler: poll failed: {}", zmq_strerror(zmq_errno()));
      return;
    }
    if (item.revents & ZMQ_POLLIN) {
      answer_one();
    } else {
      (void)clients_->current();  // takes a SIGHUP or a changed file while nobody connects
    }
  }
}

// Request: version, request id, domain, address, identity, mechanism, credentials...
// Reply: version, request id, status code, status text, user id, metadata.
void ZapHandler::answer_one() {
  std::vector<std::string> f = receive_all(socket_);
  if (f.size() < 6) {
    // A REP socket must answer before it can receive again; a short request is answered 400.
    f.resize(6);
  }
  std::string status = "400", text = "key not allowed", user;
  if (f[5] == "CURVE" && f.size() >= 7 && f[6].size() == 32) {
    char z85[41] = {};
    zmq_z85_encode(z85, reinterpret_cast<const std::uint8_t*>(f[6].data()), 32);
    if (clients_->current()->find_key(z85)) {
      status = "200";
      text = "OK";
      user = z85;  // the key, not the name: looked up again at each request
    }
  }
  if (status != "200") ++refused_;
  const std::string_view reply[] = {"1.0", f[1], status, text, user, ""};
  for (std::size_t i = 0; i < 6; ++i) {
    int flags = i + 1 < 6 ? ZMQ_SNDMORE : 0;
    if (zmq_send(socket_, reply[i].data(), reply[i].size(), flags) < 0) return;
  }
}

Status make_curve_server(void* socket, const CurveServerAuth& auth, const char* zap_domain) {
  int on = 1;
  if (zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &on, sizeof on) != 0 ||
      zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, auth.secret_key.c_str(), 40) != 0 ||
      zmq_setsockopt(socket, ZMQ_ZAP_DOMAIN, zap_domain, std::strlen(zap_domain)) != 0) {
    return Status::io_error(std::string("cannot make a CURVE server socket: ") +
                            zmq_strerror(zmq_errno()));
  }
  return Status::ok();
}

Result<std::unique_ptr<ZapHandler>> secure_if_tcp(void* context, void* socket,
                                                  const std::string& endpoint,
                                                  const std::optional<CurveServerAuth>& auth,
                                                  const char* role, const char* zap_domain) {
  if (endpoint.rfind("tcp://", 0) != 0) return std::unique_ptr<ZapHandler>();
  if (!auth || !auth->clients) {
    return Status::invalid_argument(std::string(role) + " endpoint " + endpoint +
                                    " needs CURVE keys and a control clients file");
  }
  // The handler first: a CURVE server in a context without one admits every key.
  auto zap = ZapHandler::start(context, auth->clients);
  if (!zap.ok()) return zap.status();
  if (Status s = make_curve_server(socket, *auth, zap_domain); !s.is_ok()) return s;
  return zap;
}

}  // namespace distsync
