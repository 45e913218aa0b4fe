#include "events/audit/verify.h"

#include <charconv>
#include <cstring>
#include <vector>

#include "events/audit/csv.h"
#include "events/audit/stored_bytes.h"
#include "events/event_json.h"
#include "events/audit/iso_time.h"
#include "events/codec.h"

namespace distsync {
namespace {

constexpr std::size_t kLogBatch = 4096;

template <typename Int>
bool parse_int(const std::string& s, Int* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

// Folds records and the checkpoint, in file order, into a VerifyReport.
class Verifier {
 public:
  Verifier(const VerifyOptions& opt, VerifyReport* report) : opt_(opt), r_(*report) {
    r_.key_required = opt.public_key.has_value();
  }

  bool failed() const { return r_.problem != VerifyProblem::kNone; }

  void fail(std::uint64_t line, std::uint64_t seq, VerifyProblem p, std::string detail) {
    if (failed()) return;
    flush_log_batch();  // a mismatch with the log on an earlier line comes first
    if (failed()) return;
    r_.problem = p;
    r_.line = line;
    r_.seq = seq;
    r_.detail = std::move(detail);
  }

  // `stored_hex`: the record's stored bytes when the export carried them (stored_bytes.h).
  void on_event(std::uint64_t line, const Event& e, std::string_view stored_hex = {}) {
    if (failed()) {
      if (missing_seq_ && e.seq == *missing_seq_) {
        // The "missing" record turned up later: the records were reordered, not deleted.
        r_.problem = VerifyProblem::kReordered;
        r_.detail = "seq " + std::to_string(e.seq) + " is on line " + std::to_string(line) +
                    ", after seq " + std::to_string(missing_after_) +
                    " (records swapped or moved)";
        missing_seq_.reset();
      }
      return;
    }
    if (checkpoint_line_ != 0) {
      return fail(line, e.seq, VerifyProblem::kAfterCheckpoint,
                  "a record follows the checkpoint of line " + std::to_string(checkpoint_line_));
    }
    if (r_.records == 0 && r_.first_seq == 0) {
      r_.first_seq = e.seq;  // a sub-range is anchored at its first record
      first_line_ = line;
      first_prev_hash_ = e.prev_hash;
      expected_ = e.seq;
      // Seq 1 has no predecessor to link to: its prev_hash is the zero hash of every log.
      last_hash_ = e.seq == 1 ? Hash256{} : e.prev_hash;
    }
    if (e.seq > expected_) {
      missing_seq_ = expected_;
      missing_after_ = e.seq;
      std::string gap = e.seq == expected_ + 1 ? "seq " + std::to_string(expected_)
                                               : "seqs " + std::to_string(expected_) + ".." +
                                                     std::to_string(e.seq - 1);
      return fail(line, expected_, VerifyProblem::kMissing,
                  gap + " missing before seq " + std::to_string(e.seq) + " (record deleted)");
    }
    if (e.seq < expected_) {
      return fail(line, e.seq, VerifyProblem::kReordered,
                  "seq " + std::to_string(e.seq) + " comes after seq " +
                      std::to_string(expected_ - 1) + " (records swapped, moved or duplicated)");
    }
    if (!stored_hex.empty()) {
      if (Status s = check_stored_bytes(e, stored_hex); !s.is_ok()) {
        return fail(line, e.seq, VerifyProblem::kAltered, s.message());
      }
    } else if (compute_hash(e.prev_hash, e) != e.hash) {
      return fail(line, e.seq, VerifyProblem::kAltered,
                  "seq " + std::to_string(e.seq) +
                      ": content does not match its hash (payload or envelope edited)");
    }
    if (e.prev_hash != last_hash_) {
      return fail(line, e.seq, VerifyProblem::kBadPrevLink,
                  e.seq == 1
                      ? std::string("seq 1: prev_hash is not the zero hash every log "
                                    "starts from (the first record was replaced)")
                      : "seq " + std::to_string(e.seq) + ": prev_hash is not the hash of seq " +
                            std::to_string(e.seq - 1) + " (a record was replaced or re-hashed)");
    }
    last_hash_ = e.hash;
    ++expected_;
    ++r_.records;
    r_.last_seq = e.seq;
    r_.head_hash = e.hash;
    if (opt_.against_log != nullptr) {
      batch_.push_back({line, e.seq, e.hash});
      if (batch_.size() >= kLogBatch) flush_log_batch();
    }
  }

  void on_checkpoint(std::uint64_t line, Result<Checkpoint> cp) {
    if (failed()) return;
    if (!cp.ok()) return fail(line, 0, VerifyProblem::kMalformed, cp.status().message());
    if (checkpoint_line_ != 0) {
      return fail(line, 0, VerifyProblem::kAfterCheckpoint, "a second checkpoint");
    }
    checkpoint_line_ = line;
    checkpoint_ = std::move(cp).value();
  }

  void finish() {
    flush_log_batch();
    check_signed_range();
    judge_signature();
    judge_start();
  }

 private:
  struct Pending {
    std::uint64_t line;
    std::uint64_t seq;
    Hash256 hash;
  };

  // True when the checkpoint's statements can be relied on: its signature is valid, and made
  // by the given key when there is one. A forged checkpoint says nothing about the range.
  bool checkpoint_trusted() const {
    return checkpoint_ && checkpoint_signature_valid(*checkpoint_) &&
           (!opt_.public_key || *opt_.public_key == checkpoint_->public_key);
  }

  static std::string seqs(std::uint64_t first, std::uint64_t last) {
    return first == last ? "seq " + std::to_string(first)
                         : "seqs " + std::to_string(first) + ".." + std::to_string(last);
  }

  // Holds the file's two ends against the ones the checkpoint signs. Records lost at the
  // start come before any problem found while streaming, so that report replaces it.
  void check_signed_range() {
    if (!checkpoint_trusted()) return;
    const Checkpoint& cp = *checkpoint_;
    const std::string signs =
        "the checkpoint signs " +
        (cp.version >= 2 ? seqs(cp.first_seq, cp.seq) : "up to seq " + std::to_string(cp.seq));
    auto replace = [&](std::uint64_t line, std::uint64_t seq, VerifyProblem p, std::string d) {
      flush_log_batch();
      r_.problem = p;
      r_.line = line;
      r_.seq = seq;
      r_.detail = std::move(d);
      missing_seq_.reset();
    };
    if (cp.version >= 2 && r_.first_seq != 0 && cp.first_seq != 0) {
      // Unless those first records turned up later in the file: moved, not deleted.
      const bool moved = r_.problem == VerifyProblem::kReordered && r_.seq < r_.first_seq;
      if (r_.first_seq > cp.first_seq && !moved) {
        return replace(first_line_, cp.first_seq, VerifyProblem::kMissing,
                       seqs(cp.first_seq, r_.first_seq - 1) + " missing before seq " +
                           std::to_string(r_.first_seq) +
                           ", the export's first record (records deleted from its start; " + signs +
                           ")");
      }
      if (r_.first_seq == cp.first_seq && first_prev_hash_ != cp.first_prev_hash) {
        return replace(first_line_, r_.first_seq, VerifyProblem::kBadPrevLink,
                       "seq " + std::to_string(r_.first_seq) +
                           ": prev_hash is not the one the checkpoint signs for the export's "
                           "start (the first record was replaced)");
      }
    }
    if (failed()) return;
    if (r_.records == 0 && cp.version >= 2) {
      return fail(
          checkpoint_line_, cp.first_seq, VerifyProblem::kMissing,
          seqs(cp.first_seq, cp.seq) + " missing: the export holds no record (" + signs + ")");
    }
    if (r_.records > 0 && r_.last_seq < cp.seq) {
      fail(checkpoint_line_, r_.last_seq + 1, VerifyProblem::kMissing,
           seqs(r_.last_seq + 1, cp.seq) + " missing after seq " + std::to_string(r_.last_seq) +
               ", the export's last record (records deleted from its end; " + signs + ")");
    }
  }

  // Whether anything signed vouches for where the export starts: a log starts at seq 1 (its
  // prev_hash checked above), and a version 2 checkpoint states a sub-range's first seq.
  void judge_start() {
    if (r_.records == 0) return;
    r_.start_covered = r_.first_seq == 1 || (checkpoint_trusted() && checkpoint_->version >= 2 &&
                                             checkpoint_->first_seq == r_.first_seq &&
                                             checkpoint_->first_prev_hash == first_prev_hash_);
    if (r_.start_covered) return;
    r_.start_detail =
        "the export starts at seq " + std::to_string(r_.first_seq) + " and " +
        (checkpoint_ && checkpoint_->version == 1
             ? std::string("its version 1 checkpoint (an older build's) signs only its end")
             : std::string("no signed checkpoint states its start")) +
        ": records deleted from its start would not show; export again with this build, "
        "signed, or verify with --against-log";
  }

  // Compares the batched records (consecutive seqs) with the log's records of the same seqs.
  void flush_log_batch() {
    if (batch_.empty() || opt_.against_log == nullptr) return;
    std::vector<Pending> batch;
    batch.swap(batch_);
    std::size_t i = 0;
    const Pending* bad = nullptr;
    bool absent = false;
    Status s = opt_.against_log->scan_records(
        batch.front().seq, batch.back().seq, [&](std::uint64_t seq, std::string_view rec) {
          if (seq != batch[i].seq || rec.size() < 64 ||
              std::memcmp(rec.data() + 32, batch[i].hash.data(), 32) != 0) {
            bad = &batch[i];
            return false;
          }
          return ++i < batch.size();
        });
    if (bad == nullptr && i < batch.size()) {
      bad = &batch[i];
      absent = true;
    }
    if (!s.is_ok()) {
      r_.problem = VerifyProblem::kLogMismatch;
      r_.line = batch.front().line;
      r_.seq = batch.front().seq;
      r_.detail = "cannot read the live log: " + s.message();
    } else if (bad != nullptr) {
      r_.problem = VerifyProblem::kLogMismatch;
      r_.line = bad->line;
      r_.seq = bad->seq;
      r_.detail = "seq " + std::to_string(bad->seq) +
                  (absent ? " is not in the live log"
                          : " differs from the live log's record of that seq (hash " +
                                to_hex(bad->hash) + " in the export)");
    }
    if (failed()) missing_seq_.reset();
  }

  void judge_signature() {
    if (!checkpoint_) {
      r_.signature = SignatureStatus::kUnsigned;
      r_.signature_detail = "no checkpoint: the export is not signed";
      return;
    }
    const Checkpoint& cp = *checkpoint_;
    r_.signature = SignatureStatus::kForged;
    if (!checkpoint_signature_valid(cp)) {
      r_.signature_detail = "the checkpoint's signature is invalid (checkpoint edited or forged)";
    } else if (opt_.public_key && *opt_.public_key != cp.public_key) {
      r_.signature_detail = "not signed by the given key: signed by " +
                            key_to_hex(cp.public_key) + ", expected " +
                            key_to_hex(*opt_.public_key);
    } else if (failed()) {
      r_.signature = opt_.public_key ? SignatureStatus::kGenuine : SignatureStatus::kSelfSigned;
      r_.signature_detail = "checkpoint signature valid, but the records do not verify";
    } else if (cp.version >= 2 && r_.records > 0 && cp.first_seq != r_.first_seq) {
      r_.signature_detail = "the checkpoint signs the export from seq " +
                            std::to_string(cp.first_seq) + " but it starts at seq " +
                            std::to_string(r_.first_seq) + " (records added at its start)";
    } else if (r_.records == 0 || cp.seq != r_.last_seq || cp.hash != r_.head_hash) {
      r_.signature_detail =
          "the checkpoint signs seq " + std::to_string(cp.seq) + " hash " + to_hex(cp.hash) +
          " but the export ends at seq " + std::to_string(r_.last_seq) + " hash " +
          to_hex(r_.head_hash) +
          " (records edited and the chain recomputed, or records added or removed at the end)";
    } else if (opt_.public_key) {
      r_.signature = SignatureStatus::kGenuine;
      r_.signature_detail = "signed by " + key_to_hex(cp.public_key) + " (console '" +
                            cp.console + "') at " + format_iso_utc(cp.time_us);
    } else {
      r_.signature = SignatureStatus::kSelfSigned;
      r_.signature_detail = "signature valid for the key it carries (" +
                            key_to_hex(cp.public_key) +
                            "); give the console's public key to check who signed";
    }
  }

  const VerifyOptions& opt_;
  VerifyReport& r_;
  std::uint64_t expected_ = 0;
  Hash256 last_hash_{};
  std::uint64_t first_line_ = 0;  // where the first record is
  Hash256 first_prev_hash_{};     // and its prev_hash
  std::optional<std::uint64_t> missing_seq_;
  std::uint64_t missing_after_ = 0;
  std::uint64_t checkpoint_line_ = 0;
  std::optional<Checkpoint> checkpoint_;
  std::vector<Pending> batch_;
};

const std::string kStoredMarker = ",\"" + std::string(kStoredBytesField) + "\":\"";

void verify_jsonl(std::istream& in, Verifier& v) {
  std::string line;
  std::uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line == "\r") continue;
    if (is_checkpoint_json(line)) {
      v.on_checkpoint(n, checkpoint_from_json(line));
      continue;
    }
    if (v.failed()) {
      // Only the seq matters now (to tell a deletion from a reordering); skip the full decode.
      auto pos = line.find("\"seq\":");
      Event e;
      if (pos != std::string::npos) {
        std::from_chars(line.data() + pos + 6, line.data() + line.size(), e.seq);
        v.on_event(n, e);
      }
      continue;
    }
    // A last member "stored_bytes":"HEX" is taken off before the event is decoded. Quotes in
    // JSON strings are escaped, so the marker can only be the line's own member.
    std::string stored;
    if (auto at = line.rfind(kStoredMarker); at != std::string::npos && line.ends_with("\"}")) {
      const std::size_t from = at + kStoredMarker.size();
      stored = line.substr(from, line.size() - 2 - from);
      line.erase(at, line.size() - 1 - at);  // keeps the closing brace
      if (stored.empty()) {
        v.fail(n, 0, VerifyProblem::kMalformed, "an empty stored_bytes member");
        continue;
      }
    }
    auto e = from_json(line);
    if (!e.ok()) {
      v.fail(n, 0, VerifyProblem::kMalformed, "not an event: " + e.status().message());
      continue;
    }
    v.on_event(n, *e, stored);
  }
}

void verify_csv(std::istream& in, Verifier& v) {
  CsvReader reader(in);
  std::vector<std::string> f;
  auto header = reader.next(&f);
  std::string joined;
  for (std::size_t i = 0; i < f.size(); ++i) joined += (i ? "," : "") + f[i];
  if (!header.ok() || !*header || (joined != kCsvHeader && joined != kCsvHeaderWithoutStoredBytes)) {
    v.fail(1, 0, VerifyProblem::kUnreadable,
           "CSV header is not '" + std::string(kCsvHeader) + "'");
    return;
  }
  const std::size_t columns = f.size();  // 10, or 9 in an export made before stored_bytes
  std::string iso;
  for (;;) {
    auto more = reader.next(&f);
    const std::uint64_t line = reader.record_line();
    if (!more.ok()) return v.fail(line, 0, VerifyProblem::kMalformed, more.status().message());
    if (!*more) return;
    if (f.size() == 1 && f[0].empty()) continue;  // blank line
    if (!f.empty() && f[0] == kCsvCheckpointTag) {
      v.on_checkpoint(line, checkpoint_from_csv_fields(f));
      continue;
    }
    Event e;
    if (f.size() != columns || !parse_int(f[0], &e.seq) || !parse_int(f[2], &e.time_us)) {
      v.fail(line, 0, VerifyProblem::kMalformed,
             "not an event row: expected " + std::to_string(columns) +
                 " columns with a numeric seq and time_us");
      continue;
    }
    if (v.failed()) {
      v.on_event(line, e);
      continue;
    }
    auto payload = payload_from_json(f[4], f[6]);
    auto prev = hash_from_hex(f[7]), hash = hash_from_hex(f[8]);
    if (!payload.ok() || !prev || !hash) {
      v.fail(line, e.seq, VerifyProblem::kMalformed,
             "seq " + f[0] + ": " +
                 (payload.ok() ? "malformed prev_hash or hash" : payload.status().message()));
      continue;
    }
    e.console = std::move(f[3]);
    e.correlation = std::move(f[5]);
    e.payload = std::move(payload).value();
    e.prev_hash = *prev;
    e.hash = *hash;
    iso.clear();
    append_iso_utc(&iso, e.time_us);
    if (iso != f[1]) {
      v.fail(line, e.seq, VerifyProblem::kTimeMismatch,
             "seq " + f[0] + ": time '" + f[1] + "' is not time_us " + f[2] + " (" + iso + ")");
      continue;
    }
    v.on_event(line, e, columns > 9 ? std::string_view(f[9]) : std::string_view());
  }
}

}  // namespace

int VerifyReport::exit_code() const {
  if (problem == VerifyProblem::kUnreadable) return 4;
  if (problem != VerifyProblem::kNone) return 1;
  if (signature == SignatureStatus::kForged) return 2;
  if (signature == SignatureStatus::kUnsigned && key_required) return 3;
  if (!start_covered && records > 0 && key_required) return 3;
  return 0;
}

std::string_view problem_name(VerifyProblem p) {
  switch (p) {
    case VerifyProblem::kNone: return "intact";
    case VerifyProblem::kUnreadable: return "unreadable";
    case VerifyProblem::kMalformed: return "malformed record";
    case VerifyProblem::kAltered: return "altered record";
    case VerifyProblem::kMissing: return "deleted record";
    case VerifyProblem::kReordered: return "reordered records";
    case VerifyProblem::kBadPrevLink: return "bad prev link";
    case VerifyProblem::kTimeMismatch: return "time column mismatch";
    case VerifyProblem::kAfterCheckpoint: return "records after checkpoint";
    case VerifyProblem::kLogMismatch: return "differs from live log";
  }
  return "unknown";
}

std::string_view signature_name(SignatureStatus s) {
  switch (s) {
    case SignatureStatus::kUnsigned: return "unsigned";
    case SignatureStatus::kGenuine: return "genuine";
    case SignatureStatus::kSelfSigned: return "signed (key not checked)";
    case SignatureStatus::kForged: return "forged";
  }
  return "unknown";
}

std::string VerifyReport::summary() const {
  std::string s = "chain: " + std::string(problem_name(problem));
  if (problem != VerifyProblem::kNone) {
    s += " at line " + std::to_string(line);
    if (seq != 0) s += ", seq " + std::to_string(seq);
    s += ": " + detail;
  } else {
    s += " (" + std::to_string(records) + " records";
    if (records > 0) s += ", seq " + std::to_string(first_seq) + ".." + std::to_string(last_seq);
    s += ")";
  }
  s += "\nsignature: " + std::string(signature_name(signature)) + ": " + signature_detail;
  if (!start_detail.empty()) s += "\nstart: not covered: " + start_detail;
  return s;
}

VerifyReport verify_export(std::istream& in, ExportFormat format, const VerifyOptions& opt) {
  VerifyReport report;
  Verifier v(opt, &report);
  if (format == ExportFormat::kAuto) {
    int c = in.peek();
    if (c == '{') {
      format = ExportFormat::kJsonl;
    } else if (c == 's') {
      format = ExportFormat::kCsv;
    } else {
      report.problem = VerifyProblem::kUnreadable;
      report.line = 1;
      report.detail = c == std::char_traits<char>::eof()
                          ? "the input is empty"
                          : "not an export: the first line starts with neither '{' (JSON "
                            "Lines) nor 'seq,' (CSV)";
      return report;
    }
  }
  report.format = format;
  if (format == ExportFormat::kJsonl) {
    verify_jsonl(in, v);
  } else {
    verify_csv(in, v);
  }
  if (in.bad()) v.fail(0, 0, VerifyProblem::kUnreadable, "reading the export failed");
  v.finish();
  return report;
}

}  // namespace distsync
