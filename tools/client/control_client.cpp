#include "tools/client/control_client.h"

#include <sys/stat.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "events/json_text.h"

namespace distsync {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::string_view kTag = "DSYNC1";
}

class ControlClient::Impl {
 public:
  Impl(std::string endpoint, std::chrono::milliseconds timeout,
       std::optional<CurveClientKeys> curve)
      : endpoint_(std::move(endpoint)),
        timeout_(timeout),
        curve_(std::move(curve)),
        socket_(context_, zmq::socket_type::dealer) {}

  Status connect() {
    if (endpoint_.rfind("tcp://", 0) == 0 && !curve_) {
      return Status::invalid_argument("a tcp:// control endpoint needs CURVE keys: pass --key "
                                      "FILE and --console-key KEY");
    }
    if (curve_) {
      if (Status s = apply_curve_client(socket_.handle(), *curve_); !s.is_ok()) return s;
    }
    try {
      socket_.set(zmq::sockopt::linger, 0);
      socket_.connect(endpoint_);
    } catch (const zmq::error_t& e) {
      return Status::invalid_argument("cannot connect to " + endpoint_ + ": " + e.what());
    }
    return Status::ok();
  }

  Result<json> call(std::string_view op, const json& args) {
    // A missing ipc socket file would only show up as a timeout; say what it is at once.
    if (endpoint_.rfind("ipc://", 0) == 0) {
      struct stat st;
      if (stat(endpoint_.c_str() + 6, &st) != 0) {
        return Status::unavailable("no distsyncd at " + endpoint_ +
                                   " (no socket file); is it running?");
      }
    }
    std::uint64_t id = ++next_id_;
    std::string body = json{{"op", op}, {"args", args}, {"id", id}}.dump();
    try {
      std::array<zmq::const_buffer, 2> frames = {zmq::buffer(kTag), zmq::buffer(body)};
      if (!zmq::send_multipart(socket_, frames, zmq::send_flags::dontwait)) return no_reply();
      auto deadline = Clock::now() + timeout_;
      for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return no_reply();
        zmq_pollitem_t item = {socket_.handle(), 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, static_cast<long>(left.count()));
        if (rc < 0 && zmq_errno() != EINTR) {
          return Status::io_error(std::string("poll failed: ") + zmq_strerror(zmq_errno()));
        }
        if (rc <= 0) continue;
        std::vector<zmq::message_t> reply;
        if (!zmq::recv_multipart(socket_, std::back_inserter(reply), zmq::recv_flags::dontwait)) {
          continue;
        }
        if (reply.size() != 2 || reply[0].to_string_view() != kTag) {
          return Status::corruption("malformed reply from " + endpoint_);
        }
        if (Status s = check_json_depth(reply[1].to_string_view(), "reply"); !s.is_ok()) {
          return Status::corruption(s.message() + " (from " + endpoint_ + ")");
        }
        json r = json::parse(reply[1].to_string_view(), nullptr, false);
        if (r.is_discarded() || !r.is_object()) {
          return Status::corruption("reply from " + endpoint_ + " is not a JSON object");
        }
        if (!r.contains("id") || r["id"] != id) continue;  // a late reply to an earlier call
        if (r.value("ok", false)) return r.contains("result") ? r["result"] : json::object();
        const json& err =
            r.contains("error") && r["error"].is_object() ? r["error"] : json::object();
        std::string code = err.value("code", "corruption");
        std::string message = err.value("message", "error reply without a message");
        switch (Status::code_from_name(code)) {
          case Status::Code::kNotFound:
            return Status::not_found(message);
          case Status::Code::kConflict:
            return Status::conflict(message);
          case Status::Code::kIOError:
            return Status::io_error(message);
          case Status::Code::kInvalidArgument:
            return Status::invalid_argument(message);
          case Status::Code::kUnavailable:
            return Status::unavailable(message);
          case Status::Code::kPermissionDenied:
            return Status::permission_denied(message);
          default:
            return Status::corruption(message);
        }
      }
    } catch (const zmq::error_t& e) {
      return Status::io_error("request to " + endpoint_ + " failed: " + e.what());
    } catch (const json::exception& e) {
      return Status::corruption("reply from " + endpoint_ + " is malformed: " + e.what());
    }
  }

  Status no_reply() const {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%g", timeout_.count() / 1000.0);
    return Status::unavailable("no reply from distsyncd at " + endpoint_ + " within " + secs +
                               "s; is it running?");
  }

  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::optional<CurveClientKeys> curve_;
  zmq::context_t context_{1};
  zmq::socket_t socket_;
  std::uint64_t next_id_ = 0;
};

ControlClient::ControlClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ControlClient::~ControlClient() = default;

Result<std::unique_ptr<ControlClient>> ControlClient::connect(
    std::string endpoint, std::chrono::milliseconds timeout, std::optional<CurveClientKeys> curve) {
  auto impl = std::make_unique<Impl>(std::move(endpoint), timeout, std::move(curve));
  Status s = impl->connect();
  if (!s.is_ok()) return s;
  return std::unique_ptr<ControlClient>(new ControlClient(std::move(impl)));
}

Result<nlohmann::json> ControlClient::call(std::string_view op, const nlohmann::json& args) {
  return impl_->call(op, args);
}

const std::string& ControlClient::endpoint() const { return impl_->endpoint_; }
std::chrono::milliseconds ControlClient::timeout() const { return impl_->timeout_; }
const std::optional<CurveClientKeys>& ControlClient::curve() const { return impl_->curve_; }

}  // namespace distsync
