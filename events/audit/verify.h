// Verification of an export (events/audit/export.h) by an auditor: recomputes the hash chain
// from the file alone, names the first bad record, checks the signed checkpoint against the
// console's public key, and optionally compares each record with the live log.
//
// What can be detected from the file alone: an edited record (its hash no longer matches),
// a deleted record (a seq gap), reordered records, a record replaced with a re-hashed one
// (the next record's prev_hash no longer links). Records lost at either end leave no gap:
// the checkpoint (version 2) signs the first seq with its prev_hash and the last seq with its
// hash, so a trusted one turns a shorter file into a deleted record named by seq; an export
// starting at seq 1 is anchored by the zero prev_hash of every log. An export whose chain was
// recomputed after an edit verifies as a chain; only the checkpoint catches it (its signed
// head no longer matches), and only a known public key tells a genuine checkpoint from one
// made with another key. Unsigned exports and version 1 checkpoints (older builds) do not
// state where a sub-range starts: the report says so (start_covered, start_detail), and with
// a public key given that fails as not fully signed.
// Streams the input in constant memory. Thread-compatible.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "events/audit/checkpoint.h"
#include "events/audit/export.h"
#include "events/log/event_log.h"

namespace distsync {

enum class VerifyProblem {
  kNone,
  kUnreadable,       // not an export: empty, unknown format, wrong CSV header
  kMalformed,        // a line that is not a record (or not a well-formed checkpoint)
  kAltered,          // a record's content no longer matches its hash
  kMissing,          // a seq gap: a record was deleted
  kReordered,        // a seq out of order: records swapped or moved
  kBadPrevLink,      // prev_hash is not the previous record's hash: a record replaced
  kTimeMismatch,     // CSV only: the ISO time column disagrees with time_us
  kAfterCheckpoint,  // records after the checkpoint trailer
  kLogMismatch,      // the record differs from (or is absent in) the live log
};

enum class SignatureStatus {
  kUnsigned,    // no checkpoint in the export
  kGenuine,     // signed by the given public key, over this export's head
  kSelfSigned,  // signature valid for the key the checkpoint carries; no key given to check it
  kForged,      // bad signature, another key, or a head that is not the signed one
};

struct VerifyOptions {
  std::optional<PublicKey> public_key;  // the console's key (parse_public_key)
  EventLog* against_log = nullptr;      // compare with the live log; must outlive the call
};

struct VerifyReport {
  ExportFormat format = ExportFormat::kAuto;  // as detected
  VerifyProblem problem = VerifyProblem::kNone;
  std::uint64_t line = 0;  // physical line of the first bad record (1-based); 0 if none
  std::uint64_t seq = 0;   // seq of the first bad record (the missing one for kMissing)
  std::string detail;      // one line: what is wrong

  SignatureStatus signature = SignatureStatus::kUnsigned;
  std::string signature_detail;
  bool key_required = false;  // a public key was given, so an unsigned export fails
  // True when the export starts at seq 1, or a trusted version 2 checkpoint signs its start.
  bool start_covered = false;
  std::string start_detail;  // one line when the start is not covered; empty otherwise

  std::uint64_t records = 0;  // records that verified before the first problem
  std::uint64_t first_seq = 0, last_seq = 0;
  Hash256 head_hash{};

  bool chain_ok() const { return problem == VerifyProblem::kNone; }
  // 0 intact (and genuine, when a key was given); 1 a record altered, missing (at either end
  // too), reordered, malformed or unlike the live log; 2 checkpoint forged; 3 unsigned, or
  // its start not covered by the signature, although a key was given; 4 not an export.
  int exit_code() const;
  bool ok() const { return exit_code() == 0; }
  // Human-readable, a few lines.
  std::string summary() const;
};

std::string_view problem_name(VerifyProblem p);
std::string_view signature_name(SignatureStatus s);

// `format` kAuto detects by the first line: '{' is JSONL, "seq," is CSV.
VerifyReport verify_export(std::istream& in, ExportFormat format, const VerifyOptions& opt);

}  // namespace distsync
