// The alerter's state file (alert_state_file.h) on a real file system: what is saved loads
// back, the file is 0600 and leaves no temp behind, and each kind of damage is corruption
// naming the file, never a crash.
#include "daemon/alerts/alert_state_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

AlertState sample() {
  AlertState s;
  s.console = "east";
  s.cursor = 812;
  s.next_id = 4;
  s.deliveries.push_back({"alert-3", "ops-webhook", 812, "retrying", 2, "HTTP 503",
                          1764646800000000, 1764646801000000, 1764646802000000});
  s.deliveries.push_back({"alert-2", "pager", 700, "pending", 0, "", 1764646700000000, 0,
                          1764646700000000});
  return s;
}

TEST(AlertStateFileTest, SavedStateLoadsBackAsWritten) {
  testing::TempDir dir;
  const std::string path = dir.sub("alerts-east.json");
  ASSERT_TRUE(save_alert_state(path, sample()).is_ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);  // no temp file left

  auto loaded = load_alert_state(path, "east");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->cursor, 812u);
  EXPECT_EQ(loaded->next_id, 4u);
  ASSERT_EQ(loaded->deliveries.size(), 2u);
  const SavedDelivery& d = loaded->deliveries[0];
  EXPECT_EQ(d.id, "alert-3");
  EXPECT_EQ(d.rule, "ops-webhook");
  EXPECT_EQ(d.event_seq, 812u);
  EXPECT_EQ(d.state, "retrying");
  EXPECT_EQ(d.attempts, 2);
  EXPECT_EQ(d.last_status, "HTTP 503");
  EXPECT_EQ(d.next_attempt_us, 1764646802000000);
  EXPECT_EQ(loaded->deliveries[1].state, "pending");

  // Replacing keeps one file, with the new content.
  AlertState next = sample();
  next.cursor = 900;
  next.deliveries.clear();
  ASSERT_TRUE(save_alert_state(path, next).is_ok());
  loaded = load_alert_state(path, "east");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->cursor, 900u);
  EXPECT_TRUE(loaded->deliveries.empty());
}

TEST(AlertStateFileTest, FinishedDeliveriesLoadBackAndOnlyTheNewestAreKept) {
  testing::TempDir dir;
  const std::string path = dir.sub("alerts-east.json");
  AlertState s = sample();
  for (std::size_t i = 0; i < kKeptFinishedDeliveries + 5; ++i) {
    s.finished.push_back({{"alert-" + std::to_string(100 + i), "pager", 700,
                           i % 2 ? "failed" : "delivered", 3, i % 2 ? "exit 1" : "exit 0", 1, 2, 0},
                          "command", "SyncFailed", "job-" + std::to_string(i), 3});
  }
  ASSERT_TRUE(save_alert_state(path, s).is_ok());
  auto loaded = load_alert_state(path, "east");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->deliveries.size(), 2u);
  ASSERT_EQ(loaded->finished.size(), kKeptFinishedDeliveries);
  EXPECT_EQ(loaded->finished.front().delivery.id, "alert-105");  // the 5 oldest were left out
  EXPECT_EQ(loaded->finished.back().correlation, "job-" + std::to_string(kKeptFinishedDeliveries + 4));
  EXPECT_EQ(loaded->finished.back().kind, "command");
  EXPECT_EQ(loaded->finished.back().event_type, "SyncFailed");
  EXPECT_EQ(loaded->finished.back().max_attempts, 3);
  EXPECT_EQ(loaded->finished[0].delivery.state, "failed");  // i = 5
  EXPECT_EQ(loaded->finished[1].delivery.state, "delivered");
  EXPECT_EQ(loaded->finished[0].delivery.last_status, "exit 1");
}

TEST(AlertStateFileTest, MissingIsNotFoundAndDamageIsCorruptionNamingTheFile) {
  testing::TempDir dir;
  const std::string path = dir.sub("alerts-east.json");
  EXPECT_EQ(load_alert_state(path, "east").status().code(), Status::Code::kNotFound);

  const std::string good = R"({"format":1,"console":"east","cursor":9,"next_id":2,"deliveries":[)"
                           R"({"id":"alert-1","rule":"r","event_seq":9,"state":"pending",)"
                           R"("attempts":0,"last_status":"","queued_us":1,"last_attempt_us":0,)"
                           R"("next_attempt_us":1}]})";
  std::ofstream(path, std::ios::trunc) << good;
  ASSERT_TRUE(load_alert_state(path, "east").ok());
  EXPECT_EQ(load_alert_state(path, "west").status().code(), Status::Code::kCorruption);

  struct Case {
    std::string text, cause;
  };
  const Case cases[] = {
      {"", "is not a JSON object"},
      {R"({"format":1,"cursor":)", "is not a JSON object"},
      {"[1,2]", "is not a JSON object"},
      {R"({"format":3,"console":"east","cursor":9,"next_id":2,"deliveries":[]})", "format 3"},
      {R"({"format":2,"console":"east","cursor":9,"next_id":2,"deliveries":[]})", "'finished'"},
      {std::string(good).replace(good.find("\"format\":1"), 10, "\"format\":2")
           .replace(good.size() - 1, 1, R"(,"finished":[{"id":"alert-0","rule":"r","event_seq":9,)"
                                        R"("state":"pending","attempts":1,"last_status":"",)"
                                        R"("queued_us":1,"last_attempt_us":0,"next_attempt_us":0,)"
                                        R"("kind":"command","event_type":"SyncFailed",)"
                                        R"("correlation":"j","max_attempts":3}]})"),
       "state 'pending' among the finished ones"},
      {R"({"format":1,"console":"east","cursor":-1,"next_id":2,"deliveries":[]})", "'cursor'"},
      {R"({"format":1,"console":"east","cursor":9,"next_id":2})", "'deliveries'"},
      {R"({"format":1,"console":"east","cursor":9,"next_id":2,"deliveries":[7]})", "not an object"},
      {std::string(good).replace(good.find("\"pending\""), 9, "\"delivered\""), "state 'delivered'"},
      {std::string(good).replace(good.find("\"event_seq\":9"), 13, "\"event_seq\":10"),
       "out of range"},
      {std::string(good).replace(good.find("\"attempts\":0"), 12, "\"attempts\":\"x\""),
       "'attempts'"},
  };
  for (const Case& c : cases) {
    std::ofstream(path, std::ios::trunc) << c.text;
    auto r = load_alert_state(path, "east");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << c.text;
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.cause), std::string::npos)
        << c.text << " -> " << r.status().message();
  }
}

TEST(AlertStateFileTest, UnwritableDirectoryIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.sub("missing-dir/alerts-east.json");
  Status s = save_alert_state(path, sample());
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_NE(s.message().find(dir.sub("missing-dir")), std::string::npos) << s.message();
}

}  // namespace
}  // namespace distsync
