#include "daemon/sync/copy_worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include <zmq_addon.hpp>
#include "daemon/endpoint_policy.h"
#include "daemon/sync/copy_protocol.h"
#include "daemon/sync/copy_worker_loop.h"
#include "daemon/sync/wake_fd.h"
#include "daemon/targets/local_target.h"

namespace distsync {
namespace {

using Clock = std::chrono::steady_clock;

// How often a busy worker reports the bytes its task has written (PROGRESS), at most.
constexpr std::chrono::milliseconds kProgressInterval{250};

// The burst of a rate_share task's own limiter. Every task starts with a full bucket, so the
// server's limit is exceeded by one burst per batch at most: keep it small.
constexpr std::uint64_t kShareBurstBytes = 64 * 1024;

void send(zmq::socket_t& socket, const CopyMessage& message) {
  EncodedMessage m = encode_copy_message(message);
  std::vector<zmq::const_buffer> frames = {zmq::buffer(kCopyProtocolTag), zmq::buffer(m.verb),
                                           zmq::buffer(m.body)};
  (void)zmq::send_multipart(socket, frames, zmq::send_flags::dontwait);
}

std::string failure_name(const CopyResult& r) {
  // The content library reports a hash mismatch as an io_error; the sync events name it.
  if (r.failure == CopyFailure::kIOError &&
      r.status.message().find("verification failed") != std::string::npos) {
    return "verify_mismatch";
  }
  return std::string(copy_failure_name(r.failure));
}

// One task (a batch of files) on a helper thread; signals `done` when the result is ready.
class RunningCopy {
 public:
  // `target` null: the task's targets are full local paths. A rate_share task copies under
  // a limiter of its own (its share of the server's limit, changed by RATE); any other task
  // under `shared` (its limit_key's, may be null).
  RunningCopy(TaskMsg task, std::shared_ptr<Target> target, BandwidthLimiter* shared,
              const CopyWorkerOptions& options, const WakeFd& done)
      : task_(std::move(task)) {
    if (task_.rate_share) {
      own_limiter_ = std::make_unique<BandwidthLimiter>(task_.bandwidth_bps, kShareBurstBytes);
    }
    BandwidthLimiter* limiter = task_.rate_share ? own_limiter_.get() : shared;
    thread_ = std::thread([this, target = std::move(target), limiter, use_copy_file_range = options.use_copy_file_range,
                           batch_sync = options.batch_sync, &done] {
      BatchCopyOptions o;
      o.sync = batch_sync;
      o.verify = task_.verify;
      o.limiter = limiter;
      o.cancel = &cancel_;
      o.use_copy_file_range = use_copy_file_range;
      o.written = &written_;
      if (limiter != nullptr) o.chunk_bytes = limiter->chunk_bytes(o.chunk_bytes);
      std::vector<TargetFile> files;
      files.reserve(task_.files.size());
      for (const auto& f : task_.files) {
        files.push_back({f.source, f.target, f.sha256, true, f.size, f.mtime_ns});
      }
      BatchTimings timings;
      o.timings = &timings;
      std::vector<CopyResult> results;
      if (target) {
        results = target->write_batch(files, o);
      } else {
        // No target named: full paths on this host's file system, as always.
        LocalTarget local("");
        results = local.write_batch(files, o);
      }
      spdlog::debug(
          "copy task {}: {} files, write {:.1f} ms, barrier {:.1f} ms, renames {:.1f} ms, "
          "folder syncs {:.1f} ms",
          task_.dispatch, files.size(), timings.write_ns / 1e6, timings.barrier_ns / 1e6,
          timings.rename_ns / 1e6, timings.dir_sync_ns / 1e6);
      result_.dispatch = task_.dispatch;
      for (const CopyResult& r : results) {
        FileResult f;
        f.ok = r.ok();
        f.failure = r.ok() ? "none" : failure_name(r);
        f.message = r.ok() ? "" : r.status.message();
        f.bytes = r.bytes;
        f.sha256 = r.sha256;
        result_.files.push_back(std::move(f));
      }
      done.signal();
    });
  }
  ~RunningCopy() {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::uint64_t dispatch() const { return task_.dispatch; }
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  void cancel() { cancel_ = true; }
  // A RATE for this task; ignored unless the task is a rate_share one.
  void set_rate(std::uint64_t bytes_per_second) {
    if (own_limiter_) own_limiter_->set_rate(bytes_per_second);
  }
  // REQUIRES: `done` was signalled.
  ResultMsg finish() {
    thread_.join();
    return result_;
  }

 private:
  TaskMsg task_;
  std::unique_ptr<BandwidthLimiter> own_limiter_;  // rate_share tasks only
  std::atomic<bool> cancel_{false};
  std::atomic<std::uint64_t> written_{0};  // bytes of this task written so far
  ResultMsg result_;
  std::thread thread_;
};

}  // namespace

BandwidthLimiter* LimiterRegistry::get(const std::string& key, std::uint64_t bytes_per_second) {
  if (bytes_per_second == 0) return nullptr;
  MutexLock lock(&mu_);
  auto& slot = limiters_[{key, bytes_per_second}];
  if (!slot) slot = std::make_unique<BandwidthLimiter>(bytes_per_second);
  return slot.get();
}

Status run_copy_worker_loop(zmq::context_t& context, const CopyWorkerOptions& options, int stop_fd,
                            LimiterRegistry& limiters) {
  WakeFd done;
  if (!done.valid()) return Status::unavailable("copy worker: cannot create an eventfd");
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  try {
    socket.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    return Status::invalid_argument("copy worker: cannot connect to '" + options.endpoint +
                                    "': " + e.what());
  }
  std::string name = options.name.empty() ? "worker-" + std::to_string(::getpid()) : options.name;
  send(socket, ReadyMsg{name, static_cast<std::int64_t>(::getpid())});

  std::unique_ptr<RunningCopy> running;
  // One open target per locator, used by one copy at a time (this worker runs one task).
  std::map<TargetLocator, std::shared_ptr<Target>> targets;
  auto next_heartbeat = Clock::now() + options.heartbeat;
  auto next_progress = Clock::now() + kProgressInterval;
  std::uint64_t progress_sent = 0;  // bytes last reported for the running task
  for (;;) {
    std::vector<zmq::pollitem_t> items = {
        {socket.handle(), 0, ZMQ_POLLIN, 0},
        {nullptr, stop_fd, ZMQ_POLLIN, 0},
        {nullptr, done.fd(), ZMQ_POLLIN, 0},
    };
    auto wake_at = running ? std::min(next_heartbeat, next_progress) : next_heartbeat;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - Clock::now());
    try {
      zmq::poll(items, std::max(wait, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      return Status::unavailable(std::string("copy worker: poll failed: ") + e.what());
    }
    if (items[1].revents & ZMQ_POLLIN) break;
    if (items[2].revents & ZMQ_POLLIN) {
      done.drain();
      if (running) {
        send(socket, running->finish());
        running.reset();
      }
    }
    if (items[0].revents & ZMQ_POLLIN) {
      for (;;) {
        std::vector<zmq::message_t> frames;
        auto got =
            zmq::recv_multipart(socket, std::back_inserter(frames), zmq::recv_flags::dontwait);
        if (!got) break;
        // Anything malformed is dropped: the dispatcher speaks this protocol or nothing.
        if (frames.size() != 3 || frames[0].to_string_view() != kCopyProtocolTag) continue;
        Result<CopyMessage> msg =
            decode_copy_message(frames[1].to_string_view(), frames[2].to_string_view());
        if (!msg.ok()) continue;
        if (const auto* task = std::get_if<TaskMsg>(&*msg)) {
          if (running) {
            send(socket,
                 ResultMsg{task->dispatch, "io_error", "worker busy with another task", {}});
            continue;
          }
          BandwidthLimiter* limiter =
              task->rate_share ? nullptr : limiters.get(task->limit_key, task->bandwidth_bps);
          std::shared_ptr<Target> target;
          if (!task->target_root.empty()) {
            TargetLocator where{task->target_root, task->credential};
            auto& slot = targets[where];
            if (!slot) slot = open_target(where, options.credentials, options.target_options);
            target = slot;
          }
          running = std::make_unique<RunningCopy>(*task, std::move(target), limiter, options, done);
          progress_sent = 0;
          next_progress = Clock::now() + kProgressInterval;
        } else if (const auto* cancel = std::get_if<CancelMsg>(&*msg)) {
          if (running && running->dispatch() == cancel->dispatch) running->cancel();
        } else if (const auto* rate = std::get_if<RateMsg>(&*msg)) {
          if (running && running->dispatch() == rate->dispatch) {
            running->set_rate(rate->bandwidth_bps);
          }
        }
      }
    }
    if (running && Clock::now() >= next_progress) {
      std::uint64_t written = running->written();
      if (written != progress_sent) {
        send(socket, ProgressMsg{running->dispatch(), written});
        progress_sent = written;
      }
      next_progress = Clock::now() + kProgressInterval;
    }
    if (Clock::now() >= next_heartbeat) {
      send(socket, HeartbeatMsg{running ? running->dispatch() : 0});
      next_heartbeat = Clock::now() + options.heartbeat;
    }
  }
  running.reset();  // cancels and joins; the copy removes its temp
  return Status::ok();
}

Status run_copy_worker(const CopyWorkerOptions& options, int stop_fd) {
  // A worker over tcp would take copy tasks from whoever answers on the port; distsyncd never
  // binds one, so the only tcp peer a worker could meet is not a daemon it can trust.
  if (Status s = check_endpoint_authentication("copy", options.endpoint); !s.is_ok()) return s;
  zmq::context_t context(1);
  LimiterRegistry limiters;
  return run_copy_worker_loop(context, options, stop_fd, limiters);
}

}  // namespace distsync
