// Shared helpers for the audit tests: a small log with a controlled clock, export to string.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "events/audit/export.h"
#include "events/audit/verify.h"
#include "events/log/memory_event_log.h"

namespace distsync::testing {

inline constexpr std::int64_t kT0 = 1765432100000000;  // 2025-12-11T05:48:20Z
inline constexpr std::int64_t kStep = 1000000;         // one event per second

// A log of `n` events, event i (1-based) at kT0 + (i - 1) * kStep, with payloads whose JSON
// holds commas and quotes and correlations holding a comma, a quote and a line break.
struct AuditLog {
  std::int64_t now = kT0;
  MemoryEventLog log{"console-a", nullptr, [this] { return now; }};

  explicit AuditLog(int n) {
    for (int i = 1; i <= n; ++i) {
      EventPayload p;
      switch (i % 3) {
        case 0: p = SyncCancelled{"user \"bob\", at desk\n" + std::to_string(i)}; break;
        case 1: p = FileCopied{"Patches/a,b\"c" + std::to_string(i) + ".msu", 4096u * i, i, std::string(64, 'f'), true}; break;
        default: p = SyncQueued{"dist-0" + std::to_string(i), "patches", "cli", "", true, false};
      }
      auto r = log.append({EventDraft{"job-" + std::to_string(i) + ",\"x\"\nend", p}});
      EXPECT_TRUE(r.ok()) << r.status().to_string();
      now += kStep;
    }
  }
};

inline std::string export_text(EventLog& log, ExportOptions opt) {
  std::ostringstream out;
  Status s = export_log(log, opt, out);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out.str();
}

inline VerifyReport verify_text(const std::string& text, VerifyOptions opt = {},
                                ExportFormat f = ExportFormat::kAuto) {
  std::istringstream in(text);
  return verify_export(in, f, opt);
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  return lines;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace distsync::testing
