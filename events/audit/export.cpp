#include "events/audit/export.h"

#include <chrono>
#include <cstring>

#include "events/audit/csv.h"
#include "events/audit/stored_bytes.h"
#include "events/event_json.h"
#include "events/audit/iso_time.h"
#include "events/json_text.h"
#include "events/codec.h"

namespace distsync {
namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 16;

std::int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `scratch` is reused between rows to spare an allocation per payload.
void append_csv_row(std::string* buf, const Event& e, const std::string& stored_hex,
                    EventJsonWriter& json, std::string* scratch) {
  append_json_int(buf, e.seq);
  buf->push_back(',');
  append_iso_utc(buf, e.time_us);
  buf->push_back(',');
  append_json_int(buf, e.time_us);
  buf->push_back(',');
  append_csv_field(buf, e.console);
  buf->push_back(',');
  append_csv_field(buf, e.type());
  buf->push_back(',');
  append_csv_field(buf, e.correlation);
  buf->push_back(',');
  scratch->clear();
  json.append_payload(scratch, e.payload);
  append_csv_field(buf, *scratch);
  buf->push_back(',');
  append_hex(buf, e.prev_hash);
  buf->push_back(',');
  append_hex(buf, e.hash);
  buf->push_back(',');
  buf->append(stored_hex);
  buf->append(kCsvLineEnd);
}

}  // namespace

Result<SeqRange> resolve_export_range(EventLog& log, const ExportOptions& opt) {
  SeqRange r;
  r.last = log.last_seq();
  if (opt.from_seq) r.first = std::max(r.first, *opt.from_seq);
  if (opt.to_seq) r.last = std::min(r.last, *opt.to_seq);
  if (opt.since_us) {
    auto s = log.seq_at_time(*opt.since_us);
    if (!s.ok()) return s.status();
    r.first = std::max(r.first, *s);
  }
  if (opt.until_us) {
    auto s = log.seq_at_time(*opt.until_us);
    if (!s.ok()) return s.status();
    r.last = std::min(r.last, *s - 1);  // *s >= 1: the first seq at or after until
  }
  return r;
}

Status export_log(EventLog& log, const ExportOptions& opt, std::ostream& out,
                  ExportSummary* summary) {
  if (opt.format == ExportFormat::kAuto) {
    return Status::invalid_argument("export needs a format: jsonl or csv");
  }
  const bool csv = opt.format == ExportFormat::kCsv;
  auto range = resolve_export_range(log, opt);
  if (!range.ok()) return range.status();

  std::string buf;
  buf.reserve(kFlushBytes + 4096);
  if (csv && opt.header) {
    buf.append(kCsvHeader);
    buf.append(kCsvLineEnd);
  }
  auto flush = [&]() {
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
    return out.good();
  };

  std::uint64_t count = 0, last_seq = 0;
  Hash256 head{}, first_prev{}, chain_prev{};
  Status failure = Status::ok();
  EventJsonWriter json;
  std::string scratch;
  Status scanned = Status::ok();
  // The records before the range that this export continues: checked, not written.
  const std::uint64_t chain_first =
      opt.chain_from && !range->empty() ? std::min(*opt.chain_from, range->first) : range->first;
  std::uint64_t checked = 0;  // records chain_first .. seq read so far
  if (!range->empty()) {
    scanned = log.scan_records(chain_first, range->last, [&](std::uint64_t seq,
                                                            std::string_view record) {
      auto e = decode_record(record);
      if (!e.ok()) {
        failure = Status::corruption("log record seq " + std::to_string(seq) +
                                     " is undecodable; export stopped: " + e.status().message());
        return false;
      }
      // Check the chain as we go, so a tampered log is never exported as if intact, or signed.
      const bool linked = checked == 0 ? seq == chain_first
                                       : seq == last_seq + 1 && e->prev_hash == head;
      if (!linked || !record_hash_matches(record)) {
        failure = Status::corruption("log record seq " + std::to_string(seq) +
                                     " breaks the hash chain; export stopped (verify the log)");
        return false;
      }
      if (checked++ == 0) chain_prev = e->prev_hash;
      last_seq = seq;
      head = e->hash;
      if (seq < range->first) return true;
      const std::string stored_hex = stored_bytes_hex(record, *e, &scratch);
      if (csv) {
        append_csv_row(&buf, *e, stored_hex, json, &scratch);
      } else {
        json.append(&buf, *e);
        if (!stored_hex.empty()) {  // the line's closing brace makes way for one more member
          buf.pop_back();
          buf.append(",\"").append(kStoredBytesField).append("\":\"").append(stored_hex);
          buf.append("\"}");
        }
        buf.push_back('\n');
      }
      if (count == 0) first_prev = e->prev_hash;
      ++count;
      if (buf.size() >= kFlushBytes && !flush()) {
        failure = Status::io_error("export output could not be written");
        return false;
      }
      return true;
    });
  }
  if (!scanned.is_ok()) return scanned;
  if (!failure.is_ok()) {
    flush();
    return failure;
  }
  if (!range->empty() && (count == 0 || last_seq != range->last)) {
    return Status::corruption("the log ended at seq " + std::to_string(last_seq) +
                              ", before seq " + std::to_string(range->last) + " of the range");
  }

  bool signed_ = false;
  if (opt.key != nullptr && count > 0) {
    std::int64_t now = opt.clock_us ? opt.clock_us() : system_now_us();
    Checkpoint unsigned_cp;
    unsigned_cp.first_seq = chain_first;
    unsigned_cp.first_prev_hash = chain_prev;
    unsigned_cp.seq = last_seq;
    unsigned_cp.hash = head;
    unsigned_cp.time_us = now;
    unsigned_cp.console = opt.console;
    Checkpoint cp = opt.key->sign(std::move(unsigned_cp));
    if (csv) {
      auto fields = checkpoint_to_csv_fields(cp);
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) buf.push_back(',');
        append_csv_field(&buf, fields[i]);
      }
      buf.append(kCsvLineEnd);
    } else {
      buf += checkpoint_to_json(cp);
      buf.push_back('\n');
    }
    signed_ = true;
  }
  if (!flush()) return Status::io_error("export output could not be written");
  out.flush();
  if (!out.good()) return Status::io_error("export output could not be flushed");
  if (summary != nullptr) {
    summary->range = *range;
    summary->records = count;
    summary->first_prev_hash = first_prev;
    summary->head_hash = head;
    summary->signed_ = signed_;
  }
  return Status::ok();
}

}  // namespace distsync
