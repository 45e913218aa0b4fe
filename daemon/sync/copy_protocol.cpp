#include "daemon/sync/copy_protocol.h"

#include <nlohmann/json.hpp>

#include "events/json_text.h"

namespace distsync {
namespace {

using nlohmann::json;

// Writes one JSON object into *out, member by member, in the order they are given; a value
// written through value(KEY) must be complete before the next member. Strings are written as
// json_text.h writes them: escaped, otherwise byte for byte. A string that is not UTF-8 makes
// a frame that decode_copy_message refuses (the json tree's dump threw on it instead).
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  // The destructor closes an object that close() did not.
  ~ObjectWriter() { close(); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void string(std::string_view key, std::string_view v) { append_json_string(value(key), v); }
  template <typename Int>
  void number(std::string_view key, Int v) {
    append_json_int(value(key), v);
  }
  void boolean(std::string_view key, bool v) { value(key)->append(v ? "true" : "false"); }
  // Writes `"key":` and returns the string to append the member's value to.
  std::string* value(std::string_view key) {
    if (members_++ > 0) out_->push_back(',');
    append_json_string(out_, key);
    out_->push_back(':');
    return out_;
  }
  void close() {
    if (open_) out_->push_back('}');
    open_ = false;
  }

 private:
  std::string* out_;
  int members_ = 0;
  bool open_ = true;
};

// Writes one JSON array into *out; element() before each element's value.
class ArrayWriter {
 public:
  explicit ArrayWriter(std::string* out) : out_(out) { out_->push_back('['); }
  ~ArrayWriter() { close(); }
  ArrayWriter(const ArrayWriter&) = delete;
  ArrayWriter& operator=(const ArrayWriter&) = delete;

  std::string* element() {
    if (elements_++ > 0) out_->push_back(',');
    return out_;
  }
  void close() {
    if (open_) out_->push_back(']');
    open_ = false;
  }

 private:
  std::string* out_;
  std::size_t elements_ = 0;
  bool open_ = true;
};

struct Encoder {
  EncodedMessage operator()(const ReadyMsg& m) const {
    return {"READY", json{{"worker", m.worker}, {"pid", m.pid}}.dump()};
  }
  EncodedMessage operator()(const HeartbeatMsg& m) const {
    return {"HEARTBEAT", json{{"busy", m.busy}}.dump()};
  }
  // TASK and RESULT carry one object per file, thousands in a batch: written straight into
  // the frame instead of built as a json tree first (encoding and decoding those trees took a
  // tenth of the daemon's CPU in a sync of 20,000 small files). Members are in sorted order,
  // as the json tree wrote them, so the frames are the bytes they always were.
  EncodedMessage operator()(const TaskMsg& m) const {
    std::string body;
    body.reserve(160 + m.files.size() * 256);
    ObjectWriter task(&body);
    task.number("bandwidth_bps", m.bandwidth_bps);
    task.number("dispatch", m.dispatch);
    {
      ArrayWriter files(task.value("files"));
      for (const auto& f : m.files) {
        ObjectWriter file(files.element());
        file.number("mtime_ns", f.mtime_ns);
        file.string("sha256", f.sha256);
        file.number("size", f.size);
        file.string("source", f.source);
        file.string("target", f.target);
      }
    }
    task.string("limit_key", m.limit_key);
    if (m.rate_share) task.boolean("rate_share", true);
    // Only for targets other than local folders, so a local TASK is the frame it always was.
    if (!m.target_root.empty()) {
      ObjectWriter target(task.value("target"));
      target.string("credential", m.credential);
      target.string("root", m.target_root);
    }
    task.boolean("verify", m.verify);
    task.close();
    return {"TASK", std::move(body)};
  }
  EncodedMessage operator()(const ResultMsg& m) const {
    std::string body;
    body.reserve(128 + m.files.size() * 128);
    ObjectWriter result(&body);
    result.number("dispatch", m.dispatch);
    result.string("failure", m.failure);
    {
      ArrayWriter files(result.value("files"));
      for (const auto& f : m.files) {
        ObjectWriter file(files.element());
        file.number("bytes", f.bytes);
        file.string("failure", f.failure);
        file.string("message", f.message);
        file.boolean("ok", f.ok);
        file.string("sha256", f.sha256);
      }
    }
    result.string("message", m.message);
    result.close();
    return {"RESULT", std::move(body)};
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
