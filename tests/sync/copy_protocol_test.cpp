#include "daemon/sync/copy_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/sync/retry_policy.h"

namespace distsync {
namespace {

TEST(CopyProtocolTest, EveryMessageRoundTrips) {
  TaskMsg task{7,
               {{"/c/Patches/a.msu", "/s/Patches/a.msu", 42, -5, "ab"},
                {"/c/Patches/b.msu", "/s/Patches/b.msu", 0, 9, "cd"}},
               true,
               1000,
               "srv",
               "",
               "",
               true};
  ResultMsg result{
      7, "none", "", {{false, "no_space", "full", 3, ""}, {true, "none", "", 0, "cd"}}};
  std::vector<CopyMessage> all = {
      ReadyMsg{"w", 12}, HeartbeatMsg{3}, task, result, ResultMsg{8, "io_error", "worker busy", {}},
      CancelMsg{7}, ProgressMsg{7, 123456789}, RateMsg{7, 1333333}};
  for (const auto& m : all) {
    EncodedMessage e = encode_copy_message(m);
    Result<CopyMessage> back = decode_copy_message(e.verb, e.body);
    ASSERT_TRUE(back.ok()) << e.verb << ": " << back.status().to_string();
    EXPECT_EQ(*back, m) << e.verb;
  }
}

// TASK and RESULT are written without a json tree: the frames must stay the bytes the tree
// wrote (sorted members), for every string a name can hold.
TEST(CopyProtocolTest, TaskAndResultFramesAreTheBytesAJsonTreeWrites) {
  const std::string odd = "Patches/\"q\" back\\slash\ttab\nline caf\u00e9 \u6f22";
  TaskMsg task{9,   {{"/c/" + odd, "/s/" + odd, 7, -1, "ab"}, {"/c/b", "/s/b", 0, 0, ""}},
               true, 2500, "srv/" + odd, "\\\\fs\\share", "cred", true};
  using nlohmann::json;
  json files = json::array();
  for (const auto& f : task.files) {
    files.push_back(json{{"source", f.source}, {"target", f.target}, {"size", f.size},
                         {"mtime_ns", f.mtime_ns}, {"sha256", f.sha256}});
  }
  json want{{"dispatch", task.dispatch}, {"files", files}, {"verify", task.verify},
            {"bandwidth_bps", task.bandwidth_bps}, {"limit_key", task.limit_key},
            {"target", json{{"root", task.target_root}, {"credential", task.credential}}},
            {"rate_share", true}};
  EXPECT_EQ(encode_copy_message(task).body, want.dump());

  ResultMsg result{9, "none", odd, {{false, "io_error", odd, 3, ""}, {true, "none", "", 7, "ab"}}};
  json results = json::array();
  for (const auto& f : result.files) {
    results.push_back(json{{"ok", f.ok}, {"failure", f.failure}, {"message", f.message},
                           {"bytes", f.bytes}, {"sha256", f.sha256}});
  }
  json want_result{{"dispatch", result.dispatch}, {"failure", result.failure},
                   {"message", result.message}, {"files", results}};
  EXPECT_EQ(encode_copy_message(result).body, want_result.dump());
}

TEST(CopyProtocolTest, ControlCharactersInANameRoundTrip) {
  std::string name = "a";
  for (char c = 1; c < 0x20; ++c) name.push_back(c);
  name += "\x7f\"\\z";
  TaskMsg task{3, {{"/c/" + name, "/s/" + name, 1, 2, ""}}, false, 0, name, "", "", false};
  EncodedMessage e = encode_copy_message(task);
  Result<CopyMessage> back = decode_copy_message(e.verb, e.body);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, CopyMessage(task));
  EXPECT_EQ(e.body.find('\n'), std::string::npos) << "a raw control character in " << e.body;
}

TEST(CopyProtocolTest, ATaskToAShareNamesItsTargetAndALocalTaskDoesNot) {
  TaskMsg local{1, {{"/c/a", "/s/a", 1, 1, ""}}, false, 0, "srv", "", "", false};
  EXPECT_EQ(encode_copy_message(local).body.find("\"target\":{"), std::string::npos);
  TaskMsg share = local;
  share.files[0].target = "Patches/a";
  share.target_root = "\\\\fs\\dist\\berlin";
  share.credential = "berlin";
  EncodedMessage e = encode_copy_message(share);
  EXPECT_NE(e.body.find(R"("target":{"credential":"berlin","root":)"), std::string::npos) << e.body;
  Result<CopyMessage> back = decode_copy_message(e.verb, e.body);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, CopyMessage(share));
  EXPECT_FALSE(decode_copy_message("TASK", R"({"dispatch":1,"files":[],"verify":false,)"
                                           R"("bandwidth_bps":0,"limit_key":"s","target":7})")
                   .ok());
}

TEST(CopyProtocolTest, ARateShareTaskSaysSoAndAnOlderTaskFrameStillDecodes) {
  TaskMsg task{4, {{"/c/a", "/s/a", 1, 1, ""}}, false, 1000, "srv", "", "", false};
  // Without rate_share the frame is the one older workers know (no new field).
  EXPECT_EQ(encode_copy_message(task).body.find("rate_share"), std::string::npos);
  task.rate_share = true;
  EncodedMessage e = encode_copy_message(task);
  EXPECT_NE(e.body.find(R"("rate_share":true)"), std::string::npos) << e.body;
  Result<CopyMessage> back = decode_copy_message(e.verb, e.body);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_TRUE(std::get<TaskMsg>(*back).rate_share);
  const char* older = R"({"dispatch":1,"verify":false,"bandwidth_bps":5,"limit_key":"s",)"
                      R"("files":[{"source":"/a","target":"/b","size":1,"mtime_ns":1,"sha256":""}]})";
  back = decode_copy_message("TASK", older);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_FALSE(std::get<TaskMsg>(*back).rate_share);
  EXPECT_FALSE(decode_copy_message("TASK", std::string(older).insert(1, R"("rate_share":1,)")).ok());
}

TEST(CopyProtocolTest, RateNeedsADispatchAndAnUnsignedRate) {
  EXPECT_EQ(encode_copy_message(RateMsg{3, 10}).verb, "RATE");
  EXPECT_FALSE(decode_copy_message("RATE", R"({"dispatch":3})").ok());
  EXPECT_FALSE(decode_copy_message("RATE", R"({"dispatch":3,"bandwidth_bps":-1})").ok());
  EXPECT_FALSE(decode_copy_message("RATE", R"({"dispatch":"3","bandwidth_bps":1})").ok());
}

TEST(CopyProtocolTest, DeeplyNestedBodyIsRefusedBeforeParsing) {
  std::string deep =
      R"({"dispatch":1,"files":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  Result<CopyMessage> m = decode_copy_message("TASK", deep);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(m.status().message(), "copy protocol TASK JSON nested deeper than 64 levels");
}

TEST(CopyProtocolTest, ProgressNeedsADispatchAndUnsignedBytes) {
  EXPECT_EQ(encode_copy_message(ProgressMsg{3, 10}).verb, "PROGRESS");
  EXPECT_FALSE(decode_copy_message("PROGRESS", R"({"dispatch":3})").ok());
  EXPECT_FALSE(decode_copy_message("PROGRESS", R"({"dispatch":3,"bytes":-1})").ok());
  EXPECT_FALSE(decode_copy_message("PROGRESS", R"({"dispatch":"3","bytes":1})").ok());
}

TEST(CopyProtocolTest, UntrustedFramesAreRefusedNotCrashed) {
  EXPECT_FALSE(decode_copy_message("EXPLODE", "{}").ok());
  EXPECT_FALSE(decode_copy_message("TASK", "not json").ok());
  EXPECT_FALSE(decode_copy_message("TASK", "[1,2]").ok());
  EXPECT_FALSE(decode_copy_message("HEARTBEAT", R"({"busy":-1})").ok());
  EXPECT_FALSE(decode_copy_message("HEARTBEAT", R"({"busy":"x"})").ok());
  EXPECT_FALSE(decode_copy_message("RESULT",
                                   R"({"dispatch":1,"failure":"none","message":"","files":[)"
                                   R"({"ok":false,"failure":"weird","message":"","bytes":0,)"
                                   R"("sha256":""}]})")
                   .ok());
  EXPECT_FALSE(
      decode_copy_message("RESULT", R"({"dispatch":1,"failure":"none","message":"","files":[7]})")
          .ok());
  const char* no_files = R"({"dispatch":1,"verify":false,"bandwidth_bps":0,"limit_key":"s",)";
  EXPECT_FALSE(decode_copy_message("TASK", std::string(no_files) + R"("files":[]})").ok());
  Result<CopyMessage> empty_source = decode_copy_message(
      "TASK", std::string(no_files) +
                  R"("files":[{"source":"","target":"/t","size":1,"mtime_ns":0,"sha256":""}]})");
  ASSERT_FALSE(empty_source.ok());
  EXPECT_NE(empty_source.status().message().find("source"), std::string::npos);
  Result<CopyMessage> r = decode_copy_message("TASK", R"({"dispatch":1})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("files"), std::string::npos);
}

TEST(SyncRetryPolicyTest, BackoffDoublesUpToTheCapAndStopsAtMaxAttempts) {
  SyncRetryPolicy p;
  EXPECT_EQ(p.delay_after(1), 1'000'000);
  EXPECT_EQ(p.delay_after(2), 2'000'000);
  EXPECT_EQ(p.delay_after(4), 8'000'000);
  EXPECT_EQ(p.delay_after(5), 0);
  p.max_attempts = 20;
  EXPECT_EQ(p.delay_after(10), 60'000'000);
}

}  // namespace
}  // namespace distsync
