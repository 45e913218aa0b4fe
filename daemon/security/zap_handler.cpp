#include "daemon/security/zap_handler.h"

#include <spdlog/spdlog.h>
#include <zmq.h>

#include <cstring>

namespace distsync {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

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
    : socket_(socket),
      clients_(std::move(clients)),
      // The key, not the name, is the User-Id: the control server looks it up again at each
      // request.
      responder_([c = clients_](const std::string& z85) -> std::optional<std::string> {
        if (c->current()->find_key(z85)) return z85;
        return std::nullopt;
      }) {}

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
      (void)responder_.serve_one(socket_);
    } else {
      (void)clients_->current();  // takes a SIGHUP or a changed file while nobody connects
    }
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
