#include "daemon/history/as_of.h"

#include <cctype>
#include <charconv>

#include "events/log/map_state_table.h"
#include "projections/calendar/iso_time.h"

namespace distsync {

Result<std::int64_t> parse_time_arg(const std::string& text, std::int64_t now_us,
                                    const std::string& zone) {
  if (text.size() >= 2 && std::isdigit(static_cast<unsigned char>(text[0]))) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
    if (ec == std::errc() && p == text.data() + text.size() - 1) {
      const std::int64_t unit = text.back() == 'd' ? 86400LL * 1'000'000
                                : text.back() == 'h' ? 3600LL * 1'000'000
                                : text.back() == 'm' ? 60LL * 1'000'000
                                : text.back() == 's' ? 1'000'000
                                                     : 0;
      if (unit != 0) return now_us - n * unit;
    }
  }
  auto iso = parse_iso8601(text);
  if (iso.ok()) return iso;
  auto local = parse_local_time(text, zone);
  if (local.ok()) return local;
  return Status::invalid_argument("cannot read time '" + text +
                                  "': use ISO 8601 (2026-11-10T03:00:00Z), local "
                                  "\"2026-11-10 03:00\" or an age like 7d, 12h, 30m");
}

Result<std::uint64_t> resolve_as_of(EventLog& log, const std::string& as_of, std::int64_t now_us) {
  std::string digits = as_of.starts_with("#") ? as_of.substr(1) : as_of;
  std::uint64_t seq = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec == std::errc() && p == digits.data() + digits.size() && !digits.empty()) {
    return std::min(seq, log.last_seq());
  }
  auto t = parse_time_arg(as_of, now_us);
  if (!t.ok()) return t.status();
  auto first_after = log.seq_at_time(*t + 1);
  if (!first_after.ok()) return first_after.status();
  return *first_after - 1;
}

Result<std::unique_ptr<ProjectedState>> state_as_of(EventLog& log, std::uint64_t seq) {
  auto state = std::make_unique<ProjectedState>();
  MapStateTable scratch;
  Status s = rebuild(log, seq, scratch, state.get());
  if (!s.is_ok()) return s;
  return state;
}

}  // namespace distsync
