// R3-R5 over two real distsyncd processes (different consoles) sharing one data dir.
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"
#include "tools/client/control_client.h"

namespace distsync {
namespace {

using nlohmann::json;
using testing::DaemonHarness;
using testing::TempDir;
using namespace std::chrono_literals;

json core_schedule(const std::string& id, const std::string& server) {
  return {{"schedule",
           {{"id", id},
            {"server", server},
            {"component", "core"},
            {"recurrence",
             {{"frequency", "monthly"},
              {"start_date", "2027-01-01"},
              {"time_of_day", "03:00"},
              {"time_zone", "Europe/Berlin"},
              {"monthly_mode", "nth_weekday"},
              {"nth", 2},
              {"weekday", "tue"},
              {"delay_days", 4}}}}}};
}

class ScheduleRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    east_ = std::make_unique<DaemonHarness>(dir_.sub("data"), "east");
    ASSERT_TRUE(east_->ready()) << east_->process().stderr_text();
    west_ = std::make_unique<DaemonHarness>(dir_.sub("data"), "west");
    ASSERT_TRUE(west_->ready()) << west_->process().stderr_text();
    east_client_ = std::move(ControlClient::connect(east_->control_endpoint(), 10s)).value();
    west_client_ = std::move(ControlClient::connect(west_->control_endpoint(), 10s)).value();
    for (const char* name : {"dist-01", "dist-02", "source"}) {
      json server = {{"name", name}, {"root_path", dir_.sub(name)}, {"download_source", std::string(name) == "source"}};
      ASSERT_TRUE(east_client_->call("server.add", {{"server", server}}).ok());
    }
  }

  TempDir dir_;
  std::unique_ptr<DaemonHarness> east_, west_;
  std::unique_ptr<ControlClient> east_client_, west_client_;
};

TEST_F(ScheduleRulesTest, DownloadSourceGetsNoScheduledSync) {
  auto r = east_client_->call("schedule.add", core_schedule("s-src", "source"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("download source"), std::string::npos) << r.status().message();
}

TEST_F(ScheduleRulesTest, OwnershipAcrossConsoles) {
  ASSERT_TRUE(east_client_->call("schedule.add", core_schedule("s1", "dist-01")).ok());
  // West sees east's schedule, with its owner.
  auto list = west_client_->call("schedule.list");
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  ASSERT_EQ((*list)["schedules"].size(), 1u);
  EXPECT_EQ((*list)["schedules"][0]["owner"], "east");
  EXPECT_EQ((*list)["schedules"][0]["next"].size(), 3u);

  auto edit = west_client_->call("schedule.edit", {{"id", "s1"}, {"changes", {{"enabled", false}}}});
  ASSERT_FALSE(edit.ok());
  EXPECT_NE(edit.status().message().find("console 'east'"), std::string::npos) << edit.status().message();
  auto run = west_client_->call("schedule.run", {{"ids", {"s1"}}});
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("east"), std::string::npos) << run.status().message();

  // R5: west cannot hold core schedules for dist-01 while east does.
  auto core = west_client_->call("schedule.add", core_schedule("s2", "dist-01"));
  ASSERT_FALSE(core.ok());
  EXPECT_NE(core.status().message().find("console 'east'"), std::string::npos) << core.status().message();

  // Delete is allowed, and then west may take over.
  ASSERT_TRUE(west_client_->call("schedule.delete", {{"ids", {"s1"}}}).ok());
  EXPECT_TRUE(west_client_->call("schedule.add", core_schedule("s2", "dist-01")).ok());
  auto run_own = west_client_->call("schedule.run", {{"ids", {"s2"}}});
  ASSERT_TRUE(run_own.ok()) << run_own.status().to_string();
  EXPECT_EQ((*run_own)["started"][0]["kind"], "sync");
}

TEST_F(ScheduleRulesTest, TwoDaemonsRacingForCoreSchedulesOfOneServer) {
  constexpr int kRounds = 8;
  int east_wins = 0, west_wins = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string server = "race-" + std::to_string(round);
    json spec = {{"name", server}, {"root_path", dir_.sub(server)}};
    ASSERT_TRUE(east_client_->call("server.add", {{"server", spec}}).ok());
    auto e = std::async(std::launch::async, [&] {
      return east_client_->call("schedule.add", core_schedule("e-" + server, server));
    });
    auto w = std::async(std::launch::async, [&] {
      return west_client_->call("schedule.add", core_schedule("w-" + server, server));
    });
    auto er = e.get(), wr = w.get();
    EXPECT_NE(er.ok(), wr.ok()) << "exactly one console must win round " << round;
    east_wins += er.ok();
    west_wins += wr.ok();
    const auto& loser = er.ok() ? wr : er;
    if (!loser.ok()) {
      EXPECT_EQ(loser.status().code(), Status::Code::kConflict) << loser.status().message();
    }
  }
  EXPECT_EQ(east_wins + west_wins, kRounds);
  auto list = east_client_->call("schedule.list");
  int core_for_race = 0;
  for (const auto& s : (*list)["schedules"]) core_for_race += s["server"].get<std::string>().rfind("race-", 0) == 0;
  EXPECT_EQ(core_for_race, kRounds);
}

TEST_F(ScheduleRulesTest, BadScheduleInputIsOneLineAndChangesNothing) {
  auto head = east_client_->call("events.head");
  json bad = core_schedule("bad", "dist-02");
  bad["schedule"]["recurrence"]["time_zone"] = "Atlantis/Capital";
  auto r = east_client_->call("schedule.add", bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Atlantis/Capital"), std::string::npos) << r.status().message();
  bad = core_schedule("bad", "dist-02");
  bad["schedule"]["recurrence"]["weekdays"] = "tue";  // wrong type
  EXPECT_FALSE(east_client_->call("schedule.add", bad).ok());
  bad = core_schedule("bad", "dist-02");
  bad["schedule"]["colour"] = "red";
  r = east_client_->call("schedule.add", bad);
  EXPECT_NE(r.status().message().find("colour"), std::string::npos);
  EXPECT_EQ((*east_client_->call("events.head"))["last_seq"], (*head)["last_seq"]);
}

}  // namespace
}  // namespace distsync
