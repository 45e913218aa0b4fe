// ConsoleLock: proof that this process is the only daemon serving one console id on one data
// dir.
//
// acquire() creates run_dir (mode 0750) and takes an exclusive flock on
// `<run_dir>/<console_id>.lock`, then writes this process's pid into it. The kernel drops
// the lock when the process dies, so a crashed daemon never blocks its successor. Daemons
// with different console ids may share a data dir: they lock different files.
// Not copyable; destroying it releases the lock. Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "events/result.h"

namespace distsync {

class ConsoleLock {
 public:
  // Unavailable, naming the holder's pid, when another holder has the lock.
  static Result<std::unique_ptr<ConsoleLock>> acquire(const std::string& run_dir,
                                                      const std::string& console_id,
                                                      const std::string& data_dir);
  ~ConsoleLock();
  ConsoleLock(const ConsoleLock&) = delete;
  ConsoleLock& operator=(const ConsoleLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  ConsoleLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace distsync
