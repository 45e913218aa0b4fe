// Supervisor<Unit>: the one supervision loop of the daemon's long-running work. The sync
// engine's JobRunner (a unit is a sync job) and the DownloadService (a unit is a download)
// both run on it.
//
// Contract:
//   * start() spawns the supervisor thread. It watches the log: after every append (and at
//     least once per `poll`) it reaps the units whose thread has returned (joining them) and
//     calls `scan` with the running units, under the supervisor's lock. `scan` reads the
//     projection and launch()es a thread for each unit that should run now and has none.
//   * A unit's thread runs its body once; when the body returns the unit is finished (find()
//     no longer returns it) and is reaped on the next pass. The owner's Unit object (the
//     unit's mailbox, flags, progress) is shared with the thread and lives until both let go.
//   * stop() calls `on_stop` once under the lock (tell each running unit to stop: post it a
//     message, raise its flag), then joins the supervisor thread and every unit thread. No
//     unit is launched after stop() began. stop() is idempotent; the destructor calls it.
//   * with_units() runs a function under the lock, for other threads (cancel, progress) that
//     must look up a unit, or decide something, without the supervisor starting one meanwhile.
//     `scan`, `on_stop` and with_units() functions must not call back into the Supervisor.
// Thread-safe. `log` must outlive the Supervisor.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "events/log/event_log.h"
#include "events/mutex.h"

namespace distsync {

template <typename Unit>
class Supervisor {
 public:
  // The units with a thread, by id. Only reachable under the supervisor's lock.
  class Units {
   public:
    // The unit `id` while its body runs; nullptr when there is none or it has finished.
    Unit* find(const std::string& id) {
      auto it = entries_.find(id);
      return it == entries_.end() || *it->second.done ? nullptr : it->second.unit.get();
    }
    bool has(const std::string& id) const { return entries_.count(id) != 0; }
    // fn(id, unit) for every unit with a thread (finished ones not reaped yet included).
    template <typename Fn>
    void for_each(Fn fn) {
      for (auto& [id, e] : entries_) fn(id, *e.unit);
    }
    std::size_t size() const { return entries_.size(); }
    // Starts a thread that runs body(unit). REQUIRES: !has(id).
    void launch(std::string id, std::shared_ptr<Unit> unit, std::function<void(Unit&)> body) {
      Entry& e = entries_[std::move(id)];
      e.unit = std::move(unit);
      e.done = std::make_shared<std::atomic<bool>>(false);
      e.thread = std::thread([unit = e.unit, done = e.done, body = std::move(body)] {
        body(*unit);
        *done = true;
      });
    }

   private:
    friend class Supervisor;
    struct Entry {
      std::shared_ptr<Unit> unit;
      std::shared_ptr<std::atomic<bool>> done;
      std::thread thread;
    };
    std::map<std::string, Entry> entries_;
  };

  using Scan = std::function<void(Units&)>;
  using OnStop = std::function<void(Units&)>;

  Supervisor(EventLog& log, std::chrono::milliseconds poll, Scan scan, OnStop on_stop)
      : log_(log), poll_(poll), scan_(std::move(scan)), on_stop_(std::move(on_stop)) {}
  ~Supervisor() { stop(); }
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // REQUIRES: called at most once, before stop().
  void start() {
    thread_ = std::thread([this] { loop(); });
  }

  void stop() {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
      on_stop_(units_);
    }
    if (thread_.joinable()) thread_.join();
    Units units;
    {
      MutexLock lock(&mu_);
      std::swap(units.entries_, units_.entries_);
    }
    for (auto& [id, e] : units.entries_) {
      if (e.thread.joinable()) e.thread.join();
    }
  }

  template <typename Fn>
  auto with_units(Fn fn) {
    MutexLock lock(&mu_);
    return fn(units_);
  }

 private:
  void loop() {
    std::uint64_t seen = 0;
    for (;;) {
      reap();
      {
        MutexLock lock(&mu_);
        if (stopping_) return;
        scan_(units_);
      }
      seen = log_.wait_for_append(seen, poll_);
    }
  }

  void reap() {
    std::vector<std::thread> finished;
    {
      MutexLock lock(&mu_);
      for (auto it = units_.entries_.begin(); it != units_.entries_.end();) {
        if (*it->second.done) {
          finished.push_back(std::move(it->second.thread));
          it = units_.entries_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (std::thread& t : finished) t.join();
  }

  EventLog& log_;
  const std::chrono::milliseconds poll_;
  const Scan scan_;
  const OnStop on_stop_;
  std::thread thread_;
  Mutex mu_;
  bool stopping_ GUARDED_BY(mu_) = false;
  Units units_ GUARDED_BY(mu_);
};

}  // namespace distsync
