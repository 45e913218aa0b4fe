// OpPolicy: which control ops the web console forwards to the daemon, which of them change
// state (refused with --read-only), and what is stripped from replies before they reach the
// page.
//
// Only listed ops pass; anything else is refused before the daemon sees it. Replies and bus
// events lose every object key that names a secret (password, secret, token, private key,
// credential), at any depth: the daemon keeps secrets out of its replies already, and this is
// the second fence, so a field added later cannot leak into a page. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace distsync {

enum class OpKind { kUnknown, kRead, kWrite };

OpKind op_kind(std::string_view op);

// `value` without the keys that name secrets (see above).
nlohmann::json redact_secrets(nlohmann::json value);

}  // namespace distsync
