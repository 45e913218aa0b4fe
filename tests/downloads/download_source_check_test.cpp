#include "daemon/downloads/download_source_check.h"

#include <gtest/gtest.h>

#include "daemon/downloads/download_outcome.h"
#include "daemon/downloads/progress_meter.h"

namespace distsync {
namespace {

TEST(DownloadSourceCheckTest, AcceptsAbsoluteDirectoriesFileAndHttpUrls) {
  for (const char* ok : {"/srv/patches", "file:///srv/patches", "file://localhost/srv/x",
                         "http://updates.example.com/root", "https://10.0.0.1:8443/p/"}) {
    EXPECT_TRUE(check_download_source(ok).is_ok()) << ok;
  }
}

TEST(DownloadSourceCheckTest, RefusesAnythingThatMayCarryASecretWithoutEchoingIt) {
  Status s = check_download_source("https://admin:hunter2@updates.example.com/root");
  ASSERT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("secrets never go into the log"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("hunter2"), std::string::npos) << s.message();
  EXPECT_FALSE(check_download_source("http://user@host/x").is_ok());
  // An '@' in the path is not user info.
  EXPECT_TRUE(check_download_source("http://host/a@b").is_ok());
  for (const char* url : {"https://host/defs?token=hunter2", "https://host/defs#hunter2",
                          "file:///srv/defs?hunter2"}) {
    Status q = check_download_source(url);
    EXPECT_EQ(q.code(), Status::Code::kInvalidArgument) << url;
    EXPECT_EQ(q.message().find("hunter2"), std::string::npos) << q.message();
  }
}

TEST(DownloadSourceCheckTest, RefusesPathsThatAreNotNormalPaths) {
  for (const char* bad : {"/srv/../etc", "/srv/a\nb", "/srv/\x1b[2Jx", "file:///srv/%2e%2e"}) {
    Status s = check_download_source(bad);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find('\x1b'), std::string::npos) << s.message();
  }
}

TEST(DownloadSourceCheckTest, RefusesRelativeDirectoriesOtherSchemesAndEmpty) {
  for (const char* bad : {"relative/dir", "ftp://host/x", "", "file://otherhost/x", "http://"}) {
    EXPECT_EQ(check_download_source(bad).code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(valid_download_kind("refresh"));
  EXPECT_TRUE(valid_download_kind("patches"));
  EXPECT_FALSE(valid_download_kind("download_patches"));
}

TEST(DownloadOutcomeTest, CompleteReportIsCompletedWithCounts) {
  FetchReport r;
  r.files_total = 3;
  r.files_fetched = 2;
  r.files_skipped = 1;
  r.bytes_fetched = 42;
  EventPayload e = download_outcome("/src", r, false);
  ASSERT_TRUE(std::holds_alternative<DownloadCompleted>(e));
  EXPECT_EQ(std::get<DownloadCompleted>(e), (DownloadCompleted{3, 2, 1, 42}));
}

TEST(DownloadOutcomeTest, FailuresAreNamedAndCappedOthersCounted) {
  FetchReport r;
  r.files_total = 9;
  r.files_fetched = 1;
  for (int i = 0; i < 7; ++i) r.failures.push_back("f" + std::to_string(i) + ": sha256 mismatch");
  auto f = std::get<DownloadFailed>(download_outcome("/src", r, false));
  EXPECT_EQ(f.reason.rfind("7 of 9 files failed: f0: sha256 mismatch; f1", 0), 0u) << f.reason;
  EXPECT_NE(f.reason.find("f4: sha256 mismatch; and 2 more"), std::string::npos) << f.reason;
  EXPECT_EQ(f.reason.find("f5"), std::string::npos);
  EXPECT_FALSE(f.cancelled);
  EXPECT_EQ(f.files_fetched, 1u);
}

TEST(DownloadOutcomeTest, SourceErrorsNameTheSourceAndCancelIsFlagged) {
  Result<FetchReport> bad = Status::unavailable("connection refused");
  auto f = std::get<DownloadFailed>(download_outcome("http://h/x", bad, false));
  EXPECT_EQ(f.reason, "source http://h/x: connection refused");
  FetchReport cancelled;
  cancelled.cancelled = true;
  cancelled.bytes_fetched = 5;
  auto c = std::get<DownloadFailed>(download_outcome("/src", cancelled, true));
  EXPECT_TRUE(c.cancelled);
  EXPECT_EQ(c.bytes_fetched, 5u);
  EXPECT_TRUE(std::get<DownloadFailed>(download_outcome("/src", bad, true)).cancelled);
}

TEST(ProgressMeterTest, RateAndEtaOverTheWindow) {
  ProgressMeter m;
  auto t0 = ProgressMeter::Clock::time_point{} + std::chrono::hours(1);
  m.update({0, 4, 0, 1000}, t0);
  DownloadProgress p = m.snapshot();
  EXPECT_EQ(p.bytes_per_second, 0);
  EXPECT_FALSE(p.eta_s.has_value());
  m.update({1, 4, 200, 1000}, t0 + std::chrono::seconds(2));
  p = m.snapshot();
  EXPECT_DOUBLE_EQ(p.bytes_per_second, 100);
  ASSERT_TRUE(p.eta_s.has_value());
  EXPECT_EQ(*p.eta_s, 8);
  EXPECT_EQ(p.files_done, 1u);
  // Much later, a stall: the window forgets the old samples and the rate falls to what the
  // last window saw.
  m.update({1, 4, 300, 1000}, t0 + std::chrono::seconds(20));
  m.update({1, 4, 300, 1000}, t0 + std::chrono::seconds(30));
  p = m.snapshot();
  EXPECT_DOUBLE_EQ(p.bytes_per_second, 0);
  EXPECT_FALSE(p.eta_s.has_value());
}

}  // namespace
}  // namespace distsync
