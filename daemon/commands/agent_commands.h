// Commands on the agent allowlist: allow a CURVE public key under a name, revoke it.
//
// Pure decide_* functions over the projected state, run inside the log's write transaction
// (see server_commands.h). A public key is 40 characters of Z85 (32 bytes); a secret key is
// never accepted anywhere, so none can reach the log. A name is 1-64 of [A-Za-z0-9._-].
// One name per key: a key already allowed under another name is refused. Revoking an agent
// that servers still name is refused unless forced (the servers stay, and fail preflight).
#pragma once

#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// Ok for 40 characters of the Z85 alphabet.
Status validate_public_key(const std::string& key);
Status validate_agent_name(const std::string& name);

Status decide_agent_allow(const ProjectedState& state, const std::string& name,
                          const std::string& public_key, std::vector<EventDraft>* out);
Status decide_agent_revoke(const ProjectedState& state, const std::string& name, bool force,
                           std::vector<EventDraft>* out);

}  // namespace distsync
