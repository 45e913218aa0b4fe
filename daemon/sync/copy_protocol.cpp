#include "daemon/sync/copy_protocol.h"

#include <nlohmann/json.hpp>

#include "events/json_text.h"

namespace distsync {
namespace {

using nlohmann::json;

struct Encoder {
  EncodedMessage operator()(const ReadyMsg& m) const {
    return {"READY", json{{"worker", m.worker}, {"pid", m.pid}}.dump()};
  }
  EncodedMessage operator()(const HeartbeatMsg& m) const {
    return {"HEARTBEAT", json{{"busy", m.busy}}.dump()};
  }
  EncodedMessage operator()(const TaskMsg& m) const {
    json files = json::array();
    for (const auto& f : m.files) {
      files.push_back(json{{"source", f.source},
                           {"target", f.target},
                           {"size", f.size},
                           {"mtime_ns", f.mtime_ns},
                           {"sha256", f.sha256}});
    }
    json body{{"dispatch", m.dispatch},
              {"files", std::move(files)},
              {"verify", m.verify},
              {"bandwidth_bps", m.bandwidth_bps},
              {"limit_key", m.limit_key}};
    // Only for targets other than local folders, so a local TASK is the frame it always was.
    if (!m.target_root.empty()) {
      body["target"] = json{{"root", m.target_root}, {"credential", m.credential}};
    }
    if (m.rate_share) body["rate_share"] = true;
    return {"TASK", body.dump()};
  }
  EncodedMessage operator()(const ResultMsg& m) const {
    json files = json::array();
    for (const auto& f : m.files) {
      files.push_back(json{{"ok", f.ok},
                           {"failure", f.failure},
                           {"message", f.message},
                           {"bytes", f.bytes},
                           {"sha256", f.sha256}});
    }
    return {"RESULT", json{{"dispatch", m.dispatch},
                           {"failure", m.failure},
                           {"message", m.message},
                           {"files", std::move(files)}}
                          .dump()};
  }
  EncodedMessage operator()(const CancelMsg& m) const {
    return {"CANCEL", json{{"dispatch", m.dispatch}}.dump()};
  }
  EncodedMessage operator()(const ProgressMsg& m) const {
    return {"PROGRESS", json{{"dispatch", m.dispatch}, {"bytes", m.bytes}}.dump()};
  }
  EncodedMessage operator()(const RateMsg& m) const {
    return {"RATE", json{{"dispatch", m.dispatch}, {"bandwidth_bps", m.bandwidth_bps}}.dump()};
  }
};

// Reads one field of the expected JSON type; false (with *error set) otherwise.
template <typename T>
bool field(const json& j, const char* name, T* out, std::string* error) {
  auto it = j.find(name);
  bool ok = it != j.end();
  if (ok) {
    if constexpr (std::is_same_v<T, bool>)
      ok = it->is_boolean();
    else if constexpr (std::is_same_v<T, std::string>)
      ok = it->is_string();
    else if constexpr (std::is_unsigned_v<T>)
      ok = it->is_number_unsigned();
    else
      ok = it->is_number_integer();
  }
  if (!ok) {
    if (error->empty()) *error = std::string("field '") + name + "' missing or of the wrong type";
    return false;
  }
  *out = it->get<T>();
  return true;
}

// The array field `name`, or nullptr (with *error set).
const json* array_field(const json& j, const char* name, std::string* error) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_array()) {
    if (error->empty()) *error = std::string("field '") + name + "' missing or not an array";
    return nullptr;
  }
  return &*it;
}

bool known_failure(const std::string& f) {
  return f == "none" || f == "no_space" || f == "permission_denied" || f == "source_vanished" ||
         f == "io_error" || f == "verify_mismatch" || f == "cancelled";
}

}  // namespace

EncodedMessage encode_copy_message(const CopyMessage& message) {
  return std::visit(Encoder{}, message);
}

Result<CopyMessage> decode_copy_message(std::string_view verb, std::string_view body) {
  if (Status s = check_json_depth(body, "copy protocol " + std::string(verb)); !s.is_ok()) {
    return s;
  }
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::invalid_argument("copy protocol: " + std::string(verb) +
                                    " body is not a JSON object");
  }
  std::string error;
  CopyMessage out;
  if (verb == "READY") {
    ReadyMsg m;
    field(j, "worker", &m.worker, &error);
    field(j, "pid", &m.pid, &error);
    out = m;
  } else if (verb == "HEARTBEAT") {
    HeartbeatMsg m;
    field(j, "busy", &m.busy, &error);
    out = m;
  } else if (verb == "TASK") {
    TaskMsg m;
    field(j, "dispatch", &m.dispatch, &error);
    const json* files = array_field(j, "files", &error);
    field(j, "verify", &m.verify, &error);
    field(j, "bandwidth_bps", &m.bandwidth_bps, &error);
    field(j, "limit_key", &m.limit_key, &error);
    if (j.contains("rate_share")) field(j, "rate_share", &m.rate_share, &error);
    if (auto t = j.find("target"); t != j.end()) {
      if (!t->is_object()) {
        if (error.empty()) error = "target is not a JSON object";
      } else {
        field(*t, "root", &m.target_root, &error);
        field(*t, "credential", &m.credential, &error);
      }
    }
    if (files != nullptr) {
      for (const json& jf : *files) {
        TaskFile f;
        if (!jf.is_object()) {
          if (error.empty()) error = "a file is not a JSON object";
          break;
        }
        field(jf, "source", &f.source, &error);
        field(jf, "target", &f.target, &error);
        field(jf, "size", &f.size, &error);
        field(jf, "mtime_ns", &f.mtime_ns, &error);
        field(jf, "sha256", &f.sha256, &error);
        if (error.empty() && (f.source.empty() || f.target.empty())) {
          error = "empty source or target";
        }
        m.files.push_back(std::move(f));
      }
      if (error.empty() && m.files.empty()) error = "a task without files";
    }
    out = m;
  } else if (verb == "RESULT") {
    ResultMsg m;
    field(j, "dispatch", &m.dispatch, &error);
    field(j, "failure", &m.failure, &error);
    field(j, "message", &m.message, &error);
    if (error.empty() && !known_failure(m.failure)) error = "unknown failure '" + m.failure + "'";
    const json* files = array_field(j, "files", &error);
    if (files != nullptr) {
      for (const json& jf : *files) {
        FileResult f;
        if (!jf.is_object()) {
          if (error.empty()) error = "a file result is not a JSON object";
          break;
        }
        field(jf, "ok", &f.ok, &error);
        field(jf, "failure", &f.failure, &error);
        field(jf, "message", &f.message, &error);
        field(jf, "bytes", &f.bytes, &error);
        field(jf, "sha256", &f.sha256, &error);
        if (error.empty() && !known_failure(f.failure)) {
          error = "unknown failure '" + f.failure + "'";
        }
        m.files.push_back(std::move(f));
      }
    }
    out = m;
  } else if (verb == "CANCEL") {
    CancelMsg m;
    field(j, "dispatch", &m.dispatch, &error);
    out = m;
  } else if (verb == "PROGRESS") {
    ProgressMsg m;
    field(j, "dispatch", &m.dispatch, &error);
    field(j, "bytes", &m.bytes, &error);
    out = m;
  } else if (verb == "RATE") {
    RateMsg m;
    field(j, "dispatch", &m.dispatch, &error);
    field(j, "bandwidth_bps", &m.bandwidth_bps, &error);
    out = m;
  } else {
    return Status::invalid_argument("copy protocol: unknown verb '" + std::string(verb) + "'");
  }
  if (!error.empty()) {
    return Status::invalid_argument("copy protocol: " + std::string(verb) + ": " + error);
  }
  return out;
}

}  // namespace distsync
