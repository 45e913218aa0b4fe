// distsync_audit_bench [LOG_DIR] [EVENTS]: throughput of audit export and verify.
//
// Builds a log of EVENTS (default 1,000,000) events in a temp dir, or reuses LOG_DIR when it
// already holds one (it is created there when given but empty). Prints one line per figure:
//   name  value unit  (baseline X, ratio Y)
// where the baseline is a raw sequential read of the same log (scan_records only) in the
// same run. Not a test: it asserts nothing.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "events/audit/export.h"
#include "events/audit/verify.h"
#include "events/codec.h"
#include "events/log/lmdb_event_log.h"

namespace {

using namespace distsync;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

EventPayload payload_for(std::uint64_t i) {
  const std::string n = std::to_string(i);
  switch (i % 4) {
    case 0: return SyncQueued{"dist-" + std::to_string(i % 17), "patches", "schedule", "sch-" + n, true, false};
    case 1: return FileCopied{"Patches/windows10.0-kb" + n + "-x64.msu", 1000 + i, 1765000000000000000 + static_cast<std::int64_t>(i), std::string(64, 'c'), false};
    case 2: return SyncStarted{i % 500, i * 4096, i % 9, 1};
    default: return SyncCompleted{i % 500, i * 4096, i % 3, 0, 1000 + i % 777};
  }
}

Status build_log(EventLog& log, std::uint64_t events) {
  constexpr std::uint64_t kBatch = 10000;
  for (std::uint64_t done = log.last_seq(); done < events;) {
    std::vector<EventDraft> batch;
    for (std::uint64_t i = 0; i < kBatch && done + i < events; ++i) {
      batch.push_back({"job-" + std::to_string((done + i) / 50), payload_for(done + i)});
    }
    auto r = log.append(std::move(batch));
    if (!r.ok()) return r.status();
    done = r->last_seq;
  }
  return Status::ok();
}

void print(const char* name, double value, const char* unit, double baseline) {
  std::printf("%-22s %12.0f %s  (baseline %.0f, ratio %.2f)\n", name, value, unit, baseline,
              value / baseline);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "distsync-audit-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path work = tmpl;
  const std::string log_dir = argc > 1 && argv[1][0] != 0 ? argv[1] : (work / "log").string();
  const std::uint64_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;

  LmdbLogOptions o;
  o.dir = log_dir;
  o.console = "bench-console";
  o.initial_map_bytes = std::size_t{1} << 30;
  auto opened = LmdbEventLog::open(o);
  if (!opened.ok()) {
    std::fprintf(stderr, "cannot open log: %s\n", opened.status().to_string().c_str());
    return 1;
  }
  auto& log = **opened;
  auto t0 = Clock::now();
  if (log.last_seq() < events) {
    Status s = build_log(log, events);
    if (!s.is_ok()) {
      std::fprintf(stderr, "cannot build log: %s\n", s.to_string().c_str());
      return 1;
    }
    std::printf("built %llu events in %.1f s\n", static_cast<unsigned long long>(events),
                seconds_since(t0));
  }
  const auto n = static_cast<double>(log.last_seq());

  t0 = Clock::now();
  std::uint64_t bytes = 0;
  Status s = log.scan_records(1, UINT64_MAX, [&](std::uint64_t, std::string_view rec) {
    bytes += rec.size();
    return true;
  });
  const double raw = n / seconds_since(t0);
  if (!s.is_ok()) return 1;
  print("raw_read", raw, "events/s", raw);

  // The codec's own paths, for comparison with the export's writer.
  t0 = Clock::now();
  std::uint64_t decoded = 0;
  s = log.scan_records(1, UINT64_MAX, [&](std::uint64_t, std::string_view rec) {
    decoded += decode_record(rec).ok();
    return true;
  });
  print("decode_record", n / seconds_since(t0), "events/s", raw);

  t0 = Clock::now();
  std::uint64_t json_bytes = 0;
  s = log.scan_records(1, UINT64_MAX, [&](std::uint64_t, std::string_view rec) {
    json_bytes += to_json(*decode_record(rec)).size() + 1;
    return true;
  });
  print("decode+to_json", n / seconds_since(t0), "events/s", raw);

  const std::string jsonl = (work / "export.jsonl").string(), csv = (work / "export.csv").string();
  auto key = CheckpointKey::generate();
  for (auto [name, fmt, path] : {std::tuple{"export_jsonl", ExportFormat::kJsonl, jsonl},
                                 std::tuple{"export_csv", ExportFormat::kCsv, csv}}) {
    std::ofstream out(path, std::ios::binary);
    ExportOptions opt;
    opt.format = fmt;
    opt.key = &key;
    opt.console = "bench-console";
    t0 = Clock::now();
    s = export_log(log, opt, out);
    const double rate = n / seconds_since(t0);
    if (!s.is_ok()) {
      std::fprintf(stderr, "%s failed: %s\n", name, s.to_string().c_str());
      return 1;
    }
    print(name, rate, "events/s", raw);
  }

  for (auto [name, path] : {std::pair{"verify_jsonl", jsonl}, std::pair{"verify_csv", csv}}) {
    std::ifstream in(path, std::ios::binary);
    VerifyOptions vo;
    vo.public_key = key.public_key();
    t0 = Clock::now();
    VerifyReport rep = verify_export(in, ExportFormat::kAuto, vo);
    const double rate = n / seconds_since(t0);
    if (!rep.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, rep.summary().c_str());
      return 1;
    }
    print(name, rate, "events/s", raw);
  }
  std::printf("jsonl file %.1f MB, csv file %.1f MB, log records %.1f MB\n",
              static_cast<double>(fs::file_size(jsonl)) / 1e6,
              static_cast<double>(fs::file_size(csv)) / 1e6, static_cast<double>(bytes) / 1e6);

  log.close();
  opened->reset();
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
