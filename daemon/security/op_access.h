// Which control ops an auditor may call: the reads (status, lists, history, the event log,
// reports, export). Every other op, and any op added later, is a write an auditor is refused
// ("forbidden: auditor role"): the list is an allowlist, so a new op is safe by default.
// Pure; thread-safe.
#pragma once

#include <string_view>

namespace distsync {

bool op_is_read_only(std::string_view op);

}  // namespace distsync
