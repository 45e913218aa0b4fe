// One line of text per event, for the history table's "detail" column and job timelines:
// what happened, without the envelope (time, console, type are columns of their own).
// Never includes anything an event does not carry, so no secret can appear here that is not
// already in the log (and none is: events carry credential names, never credentials).
// Pure; thread-safe.
#pragma once

#include <string>

#include "events/event.h"

namespace distsync {

// "server east-1 at /srv/share", "FileCopied Patches/x.cab (1.2 MB)", ...
std::string summarize_event(const Event& e);

// The server an event names directly (servers, schedules, SyncQueued), or "".
std::string event_server(const Event& e);

// "1.5 MB", "320 B": sizes for people.
std::string human_bytes(std::uint64_t bytes);

}  // namespace distsync
