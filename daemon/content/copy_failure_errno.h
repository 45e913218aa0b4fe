// classify_target_errno: the CopyFailure an errno from writing a target means (no space,
// permission denied, or an I/O error). One mapping for every target kind: local folders
// (atomic_copy.cpp) and SMB shares (smb_target.cpp, whose libsmbclient calls set errno).
// Pure; thread-safe.
#pragma once

#include "daemon/content/atomic_copy.h"

namespace distsync {

CopyFailure classify_target_errno(int err);

}  // namespace distsync
