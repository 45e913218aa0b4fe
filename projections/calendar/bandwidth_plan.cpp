#include "projections/calendar/bandwidth_plan.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "projections/calendar/civil_time.h"

namespace distsync {
namespace {

constexpr std::int64_t kDay = 86'400;
constexpr std::uint64_t kMaxRate = 1ULL << 40;  // 1 TiB/s: far past any link

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> words_of(std::string_view entry) {
  std::istringstream in{std::string(entry)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(lower(w));
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

Status bad(const std::string& entry, const std::string& why) {
  return Status::invalid_argument("bandwidth plan entry '" + entry + "': " + why);
}

Result<int> day_of(const std::string& entry, const std::string& name) {
  auto d = parse_weekday(name);
  if (!d.ok()) return bad(entry, "unknown day '" + name + "' (use mon..sun, a range like mon-fri, or *)");
  return *d;
}

Result<std::uint8_t> parse_days(const std::string& entry, const std::string& text) {
  if (text == "*") return std::uint8_t{0x7f};
  std::uint8_t mask = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::size_t dash = part.find('-');
    auto first = day_of(entry, part.substr(0, dash));
    if (!first.ok()) return first.status();
    int last = *first;
    if (dash != std::string::npos) {
      auto l = day_of(entry, part.substr(dash + 1));
      if (!l.ok()) return l.status();
      last = *l;
    }
    for (int d = *first;; d = (d + 1) % 7) {
      mask |= static_cast<std::uint8_t>(1u << d);
      if (d == last) break;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return mask;
}

Result<int> minute_of(const std::string& entry, const std::string& text, bool end) {
  if (end && text == "24:00") return 24 * 60;
  auto m = parse_time_of_day(text);
  if (!m.ok()) return bad(entry, "'" + text + "' is not a time HH:MM (00:00-23:59, or 24:00 as an end)");
  return *m;
}

bool is_range(const std::string& w) { return w.find(':') != std::string::npos; }

Result<std::uint64_t> parse_rate(const std::string& entry, std::string text) {
  std::uint64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': unit = 1ULL << 10; break;
      case 'm': unit = 1ULL << 20; break;
      case 'g': unit = 1ULL << 30; break;
      default: break;
    }
  }
  if (unit != 1) text.pop_back();
  if (text.empty() || text.size() > 13 || text.find_first_not_of("0123456789") != std::string::npos) {
    return bad(entry, "'" + text + "' is not a rate (bytes per second, e.g. 512K, 2M; 0 = unlimited)");
  }
  std::uint64_t n = std::stoull(text);
  if (n > kMaxRate / unit) return bad(entry, "rate is larger than 1T per second");
  return n * unit;
}

Result<PlanWindow> parse_window(const std::vector<std::string>& w, const std::string& entry) {
  PlanWindow win;
  win.text = entry;
  std::size_t i = 0;
  if (w[i] == "closed") {
    win.closed = true;
    if (++i == w.size()) return bad(entry, "closed needs days, e.g. 'closed mon-fri 09:00-17:00'");
  }
  auto days = parse_days(entry, w[i++]);
  if (!days.ok()) return days.status();
  win.days = *days;
  if (i < w.size() && is_range(w[i])) {
    std::size_t dash = w[i].find('-');
    if (dash == std::string::npos) return bad(entry, "'" + w[i] + "' is not a range HH:MM-HH:MM");
    auto s = minute_of(entry, w[i].substr(0, dash), false);
    if (!s.ok()) return s.status();
    auto e = minute_of(entry, w[i].substr(dash + 1), true);
    if (!e.ok()) return e.status();
    if (*e <= *s) {
      return bad(entry, "a window ends after it starts; split one across midnight "
                        "(e.g. 'mon 22:00-24:00; tue 00:00-06:00')");
    }
    win.start_min = *s;
    win.end_min = *e;
    ++i;
  }
  if (win.closed) {
    if (i != w.size()) return bad(entry, "a closed window has no rate");
    return win;
  }
  if (i == w.size()) return bad(entry, "needs a rate (e.g. 2M; 0 = unlimited)");
  auto rate = parse_rate(entry, w[i++]);
  if (!rate.ok()) return rate.status();
  if (i != w.size()) return bad(entry, "unexpected '" + w[i] + "'");
  win.bps = *rate;
  return win;
}

bool overlap(const PlanWindow& a, const PlanWindow& b) {
  return (a.days & b.days) != 0 && a.start_min < b.end_min && b.start_min < a.end_min;
}

std::string first_day(std::uint8_t mask) {
  for (int d = 1; d < 8; ++d) {
    if (mask & (1u << (d % 7))) return std::string(weekday_short_name(d % 7));
  }
  return "?";
}

// Weekday (0 = Sunday) of local day number `day` (1970-01-01 was a Thursday).
int weekday_of(std::int64_t day) { return static_cast<int>(floor_mod(day + 4, 7)); }

struct Key {
  bool closed;
  std::uint64_t bps;
  bool operator==(const Key&) const = default;
};

PlanNow evaluate(const BandwidthPlan& plan, const TimeZone& zone, std::int64_t utc_s,
                 std::uint64_t fallback) {
  const std::int64_t local = zone.utc_to_local(utc_s);
  const int wd = weekday_of(floor_div(local, kDay));
  const std::int64_t sec = floor_mod(local, kDay);
  for (const PlanWindow& w : plan.windows) {
    if ((w.days & (1u << wd)) && sec >= w.start_min * 60LL && sec < w.end_min * 60LL) {
      return PlanNow{w.closed, w.closed ? 0 : w.bps, w.text, std::nullopt};
    }
  }
  if (plan.default_bps) return PlanNow{false, *plan.default_bps, "default", std::nullopt};
  return PlanNow{false, fallback, "server limit", std::nullopt};
}

}  // namespace

Result<BandwidthPlan> parse_bandwidth_plan(std::string_view text) {
  BandwidthPlan plan;
  if (text.find_first_not_of(" \t") == std::string_view::npos) return plan;
  std::vector<std::string_view> entries;
  for (std::size_t pos = 0;;) {
    std::size_t semi = text.find(';', pos);
    entries.push_back(text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string> w = words_of(entries[i]);
    if (w.empty()) {
      if (i + 1 == entries.size() && i > 0) break;  // a trailing ';'
      return Status::invalid_argument("bandwidth plan has an empty entry (a ';' with nothing before it)");
    }
    const std::string entry = join(w);
    if (w.size() == 2 && w[0] == "*" && !is_range(w[1])) {
      if (plan.default_bps) return bad(entry, "a plan has one default ('* RATE')");
      auto rate = parse_rate(entry, w[1]);
      if (!rate.ok()) return rate.status();
      plan.default_bps = *rate;
      continue;
    }
    auto win = parse_window(w, entry);
    if (!win.ok()) return win.status();
    for (const PlanWindow& other : plan.windows) {
      if (overlap(other, *win)) {
        return Status::invalid_argument("bandwidth plan windows '" + other.text + "' and '" +
                                        win->text + "' overlap on " + first_day(other.days & win->days));
      }
    }
    plan.windows.push_back(std::move(*win));
  }
  return plan;
}

PlanNow plan_at(const BandwidthPlan& plan, const TimeZone& zone, std::int64_t utc_us,
                std::uint64_t fallback_bps) {
  const std::int64_t now_s = floor_div(utc_us, 1'000'000);
  PlanNow now = evaluate(plan, zone, now_s, fallback_bps);
  if (plan.windows.empty()) return now;
  const Key key{now.closed, now.bps};
  const std::int64_t horizon = now_s + 8 * kDay;

  // Every instant where the answer may change: a window edge on the wall clock, under each
  // offset in force in the horizon, and each offset change itself.
  std::set<std::int64_t> offsets;
  std::set<std::int64_t> candidates;
  std::int64_t prev_t = now_s, prev_o = zone.offset_at(now_s);
  offsets.insert(prev_o);
  for (std::int64_t t = now_s + 6 * 3600; t <= horizon + 6 * 3600; t += 6 * 3600) {
    std::int64_t o = zone.offset_at(t);
    offsets.insert(o);
    if (o != prev_o) {  // the transition lies in (prev_t, t]
      std::int64_t lo = prev_t, hi = t;
      while (hi - lo > 1) {
        std::int64_t mid = lo + (hi - lo) / 2;
        (zone.offset_at(mid) == prev_o ? lo : hi) = mid;
      }
      candidates.insert(hi);
    }
    prev_t = t;
    prev_o = o;
  }
  const std::int64_t day0 = floor_div(zone.utc_to_local(now_s), kDay) - 1;
  for (std::int64_t day = day0; day <= day0 + 10; ++day) {
    const int wd = weekday_of(day);
    for (const PlanWindow& w : plan.windows) {
      if (!(w.days & (1u << wd))) continue;
      for (int edge : {w.start_min, w.end_min}) {
        const std::int64_t local = day * kDay + edge * 60LL;
        candidates.insert(zone.local_to_utc(local));
        for (std::int64_t o : offsets) {
          if (zone.utc_to_local(local - o) == local) candidates.insert(local - o);
        }
      }
    }
  }
  for (std::int64_t c : candidates) {
    if (c <= now_s || c > horizon) continue;
    PlanNow then = evaluate(plan, zone, c, fallback_bps);
    if (!(Key{then.closed, then.bps} == key)) {
      now.next_change_us = c * 1'000'000;
      break;
    }
  }
  return now;
}

Status validate_bandwidth_plan(const std::string& text, const std::string& zone) {
  auto plan = parse_bandwidth_plan(text);
  if (!plan.ok()) return plan.status();
  auto tz = TimeZone::locate(zone.empty() ? "UTC" : zone);
  if (!tz.ok()) return Status::invalid_argument("bandwidth plan zone: " + tz.status().message());
  return Status::ok();
}

}  // namespace distsync
