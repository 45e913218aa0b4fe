// distsync-admin rebuild, replay and public-key on a data dir written by a real daemon.
#include <lmdb.h>

#include "tests/cli/cli_fixture.h"

namespace distsync::testing {
namespace {

class CliAdminTest : public CliFixture {
 protected:
  CommandResult admin(std::vector<std::string> args) {
    return run_command(DISTSYNC_ADMIN_PATH, args, dir_.path());
  }
};

TEST_F(CliAdminTest, RebuildReplayAndPublicKey) {
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("alpha")}).exit_code, 0);
  ASSERT_EQ(cli({"schedule", "add", "--server", "alpha", "--daily", "--at", "03:00", "--id", "n"})
                .exit_code,
            0);
  ASSERT_EQ(cli({"server", "edit", "alpha", "--verify"}).exit_code, 0);
  ASSERT_TRUE(daemon_->terminate().has_value());

  auto rebuilt = admin({"--data-dir", dir_.sub("data"), "rebuild"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("projections OK"), std::string::npos) << rebuilt.out;

  auto replayed = admin({"replay", "--from", dir_.sub("data"), "--to", dir_.sub("copy")});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  auto check_old = admin({"--data-dir", dir_.sub("data"), "check"});
  auto check_new = admin({"--data-dir", dir_.sub("copy"), "check"});
  ASSERT_EQ(check_new.exit_code, 0) << check_new.err;
  EXPECT_EQ(check_new.out, check_old.out);  // same count, head seq and head hash
  auto rebuilt_copy = admin({"--data-dir", dir_.sub("copy"), "rebuild"});
  EXPECT_EQ(rebuilt_copy.exit_code, 0) << rebuilt_copy.out << rebuilt_copy.err;
  auto again = admin({"replay", "--from", dir_.sub("data"), "--to", dir_.sub("copy")});
  EXPECT_EQ(again.exit_code, 1);  // never into a used data dir

  auto key = admin({"--data-dir", dir_.sub("data"), "public-key"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_EQ(key.out.rfind("distsync-checkpoint-public-key ed25519 v1\n", 0), 0u) << key.out;
}

TEST_F(CliAdminTest, RebuildWriteRepairsDamagedProjections) {
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("alpha")}).exit_code, 0);
  ASSERT_TRUE(daemon_->terminate().has_value());
  {  // Damage one persisted projection record behind the daemon's back.
    MDB_env* env;
    mdb_env_create(&env);
    mdb_env_set_maxdbs(env, 8);
    ASSERT_EQ(mdb_env_open(env, (dir_.sub("data") + "/log").c_str(), 0, 0640), 0);
    MDB_txn* txn;
    MDB_dbi dbi;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    ASSERT_EQ(mdb_dbi_open(txn, "state", 0, &dbi), 0);
    std::string key = "server/alpha", value = "garbage";
    MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  auto damaged = admin({"--data-dir", dir_.sub("data"), "rebuild"});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.out.find("MISMATCH"), std::string::npos) << damaged.out;
  auto repaired = admin({"--data-dir", dir_.sub("data"), "rebuild", "--write"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  auto checked = admin({"--data-dir", dir_.sub("data"), "rebuild"});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

}  // namespace
}  // namespace distsync::testing
