// LiveProgress: the bytes each running copy batch has written so far, before any of it is
// durable, so a job's progress can move during one large file.
//
// The copy dispatcher feeds it from the workers' PROGRESS messages (copy_protocol.h) and
// forgets a batch when its RESULT arrives or its worker is lost; the sync service reads the
// sum for a job when it answers sync.job. Durable counts never come from here: they are the
// job's FileCopied events. Between a batch's RESULT and its FileCopied commit the job's
// written count falls back to the durable one for a moment; callers show the larger of the
// two. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "events/mutex.h"

namespace distsync {

class LiveProgress {
 public:
  // The batch `dispatch` of `job` has written `bytes` in all (a later report replaces it).
  void written(const std::string& job, std::uint64_t dispatch, std::uint64_t bytes);
  // The batch ended (RESULT, lost worker): its bytes no longer count as in flight.
  void ended(std::uint64_t dispatch);
  // Forgets every batch (the dispatcher stopped; a new one numbers its batches from 1).
  void clear();
  // Bytes written by the job's batches still in flight; 0 for a job with none.
  std::uint64_t in_flight(const std::string& job) const;

 private:
  struct Batch {
    std::string job;
    std::uint64_t bytes = 0;
  };
  mutable Mutex mu_;
  std::map<std::uint64_t, Batch> batches_ GUARDED_BY(mu_);  // by dispatch number
};

}  // namespace distsync
