#include "daemon/alerts/alert_state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "daemon/content/durable_file.h"

namespace distsync {
namespace {

using nlohmann::json;

constexpr int kFormat = 2;
constexpr int kOldestFormat = 1;

std::string errno_text(int err) { return std::strerror(err); }

// The field `key` of `obj` as T, or a message naming it.
template <typename T>
bool take(const json& obj, const char* key, T* out, std::string* why) {
  auto it = obj.find(key);
  bool ok = it != obj.end();
  if (ok) {
    if constexpr (std::is_same_v<T, std::string>) {
      ok = it->is_string();
    } else if constexpr (std::is_unsigned_v<T>) {
      ok = it->is_number_unsigned() &&
           it->template get<std::uint64_t>() <= std::numeric_limits<T>::max();
    } else if (it->is_number_unsigned()) {
      ok = it->template get<std::uint64_t>() <=
           static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    } else {
      ok = it->is_number_integer() &&
           it->template get<std::int64_t>() >= std::numeric_limits<T>::min() &&
           it->template get<std::int64_t>() <= std::numeric_limits<T>::max();
    }
  }
  if (!ok) {
    *why = std::string("'") + key + "' is missing or of the wrong type";
    return false;
  }
  *out = it->get<T>();
  return true;
}

bool parse_delivery(const json& j, std::uint64_t cursor, bool finished, SavedDelivery* d,
                    std::string* why) {
  if (!j.is_object()) {
    *why = "a delivery is not an object";
    return false;
  }
  if (!take(j, "id", &d->id, why) || !take(j, "rule", &d->rule, why) ||
      !take(j, "event_seq", &d->event_seq, why) || !take(j, "state", &d->state, why) ||
      !take(j, "attempts", &d->attempts, why) || !take(j, "last_status", &d->last_status, why) ||
      !take(j, "queued_us", &d->queued_us, why) ||
      !take(j, "last_attempt_us", &d->last_attempt_us, why) ||
      !take(j, "next_attempt_us", &d->next_attempt_us, why)) {
    return false;
  }
  const bool is_finished = d->state == "delivered" || d->state == "failed";
  if (!(finished ? is_finished : d->state == "pending" || d->state == "retrying")) {
    *why = "delivery " + d->id + " has state '" + d->state + "'" +
           (finished ? " among the finished ones" : "");
    return false;
  }
  if (d->attempts < 0 || d->event_seq == 0 || d->event_seq > cursor) {
    *why = "delivery " + d->id + " has attempts or event_seq out of range";
    return false;
  }
  return true;
}

}  // namespace

Result<AlertState> load_alert_state(const std::string& path, const std::string& console) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::not_found(path + " does not exist");
    return Status::io_error("cannot read " + path + ": " + errno_text(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::corruption(path + " is not a JSON object");
  }
  AlertState s;
  std::string why;
  int format = 0;
  if (!take(j, "format", &format, &why) || !take(j, "console", &s.console, &why) ||
      !take(j, "cursor", &s.cursor, &why) || !take(j, "next_id", &s.next_id, &why)) {
    return Status::corruption(path + ": " + why);
  }
  if (format < kOldestFormat || format > kFormat) {
    return Status::corruption(path + ": format " + std::to_string(format) + " is not " +
                              std::to_string(kOldestFormat) + " to " + std::to_string(kFormat));
  }
  if (s.console != console) {
    return Status::corruption(path + " belongs to console '" + s.console + "'");
  }
  auto list = j.find("deliveries");
  if (list == j.end() || !list->is_array()) {
    return Status::corruption(path + ": 'deliveries' is missing or not an array");
  }
  for (const json& e : *list) {
    SavedDelivery d;
    if (!parse_delivery(e, s.cursor, false, &d, &why)) {
      return Status::corruption(path + ": " + why);
    }
    s.deliveries.push_back(std::move(d));
  }
  if (format < 2) return s;
  auto done = j.find("finished");
  if (done == j.end() || !done->is_array() || done->size() > kKeptFinishedDeliveries) {
    return Status::corruption(path + ": 'finished' is missing, not an array or longer than " +
                              std::to_string(kKeptFinishedDeliveries));
  }
  for (const json& e : *done) {
    FinishedDelivery f;
    if (!parse_delivery(e, s.cursor, true, &f.delivery, &why) ||
        !take(e, "kind", &f.kind, &why) || !take(e, "event_type", &f.event_type, &why) ||
        !take(e, "correlation", &f.correlation, &why) ||
        !take(e, "max_attempts", &f.max_attempts, &why)) {
      return Status::corruption(path + ": " + why);
    }
    s.finished.push_back(std::move(f));
  }
  return s;
}

Status save_alert_state(const std::string& path, const AlertState& state) {
  auto entry = [](const SavedDelivery& d) {
    return json{{"id", d.id},
                {"rule", d.rule},
                {"event_seq", d.event_seq},
                {"state", d.state},
                {"attempts", d.attempts},
                {"last_status", d.last_status},
                {"queued_us", d.queued_us},
                {"last_attempt_us", d.last_attempt_us},
                {"next_attempt_us", d.next_attempt_us}};
  };
  json list = json::array();
  for (const SavedDelivery& d : state.deliveries) list.push_back(entry(d));
  json finished = json::array();
  const std::size_t skip = state.finished.size() > kKeptFinishedDeliveries
                               ? state.finished.size() - kKeptFinishedDeliveries
                               : 0;
  for (std::size_t i = skip; i < state.finished.size(); ++i) {
    const FinishedDelivery& f = state.finished[i];
    json e = entry(f.delivery);
    e["kind"] = f.kind;
    e["event_type"] = f.event_type;
    e["correlation"] = f.correlation;
    e["max_attempts"] = f.max_attempts;
    finished.push_back(std::move(e));
  }
  const std::string data = json{{"format", kFormat},
                                {"console", state.console},
                                {"cursor", state.cursor},
                                {"next_id", state.next_id},
                                {"deliveries", list},
                                {"finished", finished}}
                               .dump() +
                           "\n";
  // Not write_file_atomic: that creates 0644, and this file names rules and events. One
  // fixed temp name (one writer per console, under the console lock), so a crash during a
  // save leaves at most one temp file, replaced by the next save.
  const std::string dir = parent_dir(path);
  const std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::io_error("cannot create " + temp + ": " + errno_text(errno));
  if (::fchmod(fd, 0600) != 0) {  // a temp left by a crash keeps its mode otherwise
    const int e = errno;
    ::close(fd);
    return Status::io_error("cannot chmod " + temp + ": " + errno_text(e));
  }
  const char* p = data.data();
  std::size_t left = data.size();
  int err = 0;
  while (left > 0 && err == 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err != 0) {
    ::unlink(temp.c_str());
    return Status::io_error("cannot write " + temp + ": " + errno_text(err));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(temp.c_str());
    return Status::io_error("cannot rename " + temp + " to " + path + ": " + errno_text(err));
  }
  return fsync_dir(dir);
}

}  // namespace distsync
