#include "daemon/targets/target_factory.h"

#include "daemon/content/smb_path.h"
#include "daemon/targets/local_target.h"

namespace distsync {

std::shared_ptr<Target> open_target(const TargetLocator& where,
                                    const CredentialStore* credentials,
                                    const TargetOptions& options) {
  if (is_smb_path(where.root)) {
    return std::make_shared<SmbTarget>(where.root, where.credential, credentials, options.smb);
  }
  return std::make_shared<LocalTarget>(where.root);
}

}  // namespace distsync
