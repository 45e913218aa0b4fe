// open_target: the one place that turns a TargetLocator (a server's root as typed, and its
// credential's name) into a Target. A root written as a share (smb://, \\host\share) opens
// an SmbTarget; anything else a LocalTarget (an empty root: full paths, the copy worker's
// view of this host). New kinds of targets add their case here.
//
// Never returns null: a target that cannot work (an unknown credential, a bad root) fails
// its calls with the reason. `credentials` may be null (then only credential-less targets
// work) and must outlive the target. Thread-safe.
#pragma once

#include <memory>

#include "daemon/targets/credential_store.h"
#include "daemon/targets/smb_target.h"
#include "daemon/targets/target.h"

namespace distsync {

struct TargetOptions {
  SmbTargetOptions smb;
};

std::shared_ptr<Target> open_target(const TargetLocator& where,
                                    const CredentialStore* credentials,
                                    const TargetOptions& options = {});

}  // namespace distsync
