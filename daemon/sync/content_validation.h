// Content validation: re-hash a server's files of a component against the console's manifest
// without copying anything (`distsync validate`), and the service that runs validations off
// the control thread.
//
// validate_content reads the console folders (hashing every file; no shared hash cache, so a
// running sync's cache is never touched) and the server only through `target`: a file absent
// there is missing; one of another size is mismatched; any other is re-hashed on the server
// and is ok or mismatched by its hash. Files only on the server are extra. An unreadable
// server gives a ValidationCompleted with `error` set. Thread-safe.
//
// ValidationService runs requests one after another on its own thread, so a long re-hash
// never blocks the control endpoint; each result is appended through CommandRunner
// (decide_validation_completed, which also queues the --repair sync). `runner` must outlive
// the service; stop() (or the destructor) joins the thread. Thread-safe.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/commands/command_runner.h"
#include "daemon/sync/component_layout.h"
#include "daemon/targets/target.h"
#include "events/mutex.h"

namespace distsync {

// `cancel` may be null; when it turns true the walk stops (the result is then not recorded).
ValidationCompleted validate_content(const ConsoleLayout& layout, const ServerSpec& server,
                                     const std::string& component, Target& target,
                                     const std::atomic<bool>* cancel = nullptr);

struct ValidationRequest {
  std::string id;  // the validation id (correlation of its event)
  std::string server;
  std::string component = "all";
  std::string trigger = "cli";
  bool repair = false;
};

// Where a validation stands: "queued", "running", "completed" (with its event's JSON and the
// repair job, if any) or "failed" (the result could not be recorded).
struct ValidationStatus {
  std::string state;
  std::string server;
  std::string repair_job;
  std::string error;
  ValidationCompleted result;
};

class ValidationService {
 public:
  using MakeTarget = std::function<std::shared_ptr<Target>(const ServerSpec&)>;
  // `make_target` empty = a LocalTarget at the server's root path.
  ValidationService(CommandRunner& runner, ConsoleLayout layout, MakeTarget make_target = {});
  ~ValidationService();
  ValidationService(const ValidationService&) = delete;
  ValidationService& operator=(const ValidationService&) = delete;

  // Queues the requests (the caller checked the servers exist).
  void submit(std::vector<ValidationRequest> requests);
  // nullopt for an id this process never ran.
  std::optional<ValidationStatus> status(const std::string& id) const;
  // Stops the walk in progress (its result is dropped) and joins the thread. Idempotent.
  void stop();

 private:
  void loop();
  void run_one(const ValidationRequest& r);

  CommandRunner& runner_;
  const ConsoleLayout layout_;
  const MakeTarget make_target_;
  mutable Mutex mu_;
  CondVar cv_;
  std::deque<ValidationRequest> queue_ GUARDED_BY(mu_);
  std::map<std::string, ValidationStatus> known_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace distsync
