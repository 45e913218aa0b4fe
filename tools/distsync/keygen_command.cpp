// `distsync keygen --out FILE`: this client's CURVE key pair, for a console reached over
// tcp:// (docs/protocol.md, "Security model"). Writes the key file (mode 0600, refused when it
// exists) and prints the public key, which the console's admin lists in its control clients
// file with a role. The secret key never leaves the file.
#include <iostream>

#include "daemon/security/curve_keys.h"
#include "tools/distsync/cli_context.h"

namespace distsync {

void register_keygen_command(CLI::App& app, CliContext& ctx) {
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("keygen", "make a CURVE key pair for reaching a console over tcp");
  cmd->add_option("--out", *out, "key file to write (mode 0600)")->required();
  cmd->callback([&ctx, out] {
    auto pair = generate_key_pair();
    if (!pair.ok()) {
      ctx.exit_code = ctx.fail(pair.status());
      return;
    }
    if (Status s = write_key_file(*out, *pair); !s.is_ok()) {
      ctx.exit_code = ctx.fail(s);
      return;
    }
    if (ctx.json()) {
      ctx.print_json_line({{"public_key", pair->public_key}, {"file", *out}});
    } else {
      ctx.out() << pair->public_key << "\n";
    }
  });
}

}  // namespace distsync
