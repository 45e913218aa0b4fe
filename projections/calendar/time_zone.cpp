#include "projections/calendar/time_zone.h"

#include <date/tz.h>

#include <chrono>
#include <exception>

namespace distsync {

Result<TimeZone> TimeZone::locate(const std::string& name) {
  // date::locate_zone reports an unknown name (and an unreadable zoneinfo) by throwing;
  // neither may leave this library.
  try {
    if (name.empty())
      return Status::invalid_argument("time zone is required, e.g. 'Europe/Berlin'");
    const date::time_zone* zone = date::locate_zone(name);
    if (zone == nullptr) return Status::invalid_argument("unknown time zone '" + name + "'");
    return TimeZone(zone, name);
  } catch (const std::exception&) {
    return Status::invalid_argument("unknown time zone '" + name +
                                    "'; use an IANA name such as 'Europe/Berlin'");
  }
}

std::int64_t TimeZone::local_to_utc(std::int64_t local_seconds) const {
  const date::local_seconds local{std::chrono::seconds{local_seconds}};
  const date::local_info info = zone_->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // `first` is the earlier of the two offsets in force
      return local_seconds - info.first.offset.count();
    case date::local_info::nonexistent:  // the gap ends where the second period begins
      return info.second.begin.time_since_epoch().count();
  }
  return local_seconds - info.first.offset.count();
}

std::int64_t TimeZone::utc_to_local(std::int64_t utc_seconds) const {
  return utc_seconds + offset_at(utc_seconds);
}

std::int64_t TimeZone::offset_at(std::int64_t utc_seconds) const {
  const date::sys_seconds utc{std::chrono::seconds{utc_seconds}};
  return zone_->get_info(utc).offset.count();
}

}  // namespace distsync
