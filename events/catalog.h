// The catalogue of event types: every payload an event can carry.
//
// To add an event type, define its struct (with kType, serialize() and CEREAL_CLASS_VERSION)
// in a *_events.h header and list it in EventPayload below. Nothing else changes: the codec,
// the log and the bus handle every alternative through this variant.
#pragma once

#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "events/agent_events.h"
#include "events/acknowledge_events.h"
#include "events/console_events.h"
#include "events/download_events.h"
#include "events/group_events.h"
#include "events/prune_events.h"
#include "events/schedule_events.h"
#include "events/server_events.h"
#include "events/sync_events.h"
#include "events/validation_events.h"

namespace distsync {

using EventPayload =
    std::variant<ConsoleStarted, ServerAdded, ServerEdited, ServerRemoved, ScheduleAdded,
                 ScheduleEdited, ScheduleDeleted, ScheduleFired, ScheduleMissed, DownloadStarted,
                 DownloadCompleted, DownloadFailed, DownloadSourceChanged, SyncQueued, SyncDeferred, SyncStarted,
                 FileCopied, FileCopyFailed, SyncCompleted, SyncFailed, SyncCancelled,
                 PruneRefused, FilesPruned, GroupAdded, GroupRemoved, GroupMemberAdded,
                 GroupMemberRemoved, ValidationCompleted, AgentAllowed, AgentRevoked,
                 EventAcknowledged, AgentLost, AgentReconnected, SyncPaused, SyncResumed,
                 GroupPlanSet>;

// "ServerAdded", ... : the payload's type name, also its bus topic.
std::string_view type_name(const EventPayload& payload);

// A default-constructed payload of the named type; nullopt for an unknown name.
std::optional<EventPayload> make_payload(std::string_view type);

// Every type name, in catalogue order.
const std::vector<std::string_view>& all_event_types();

}  // namespace distsync
