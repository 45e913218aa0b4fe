#include "daemon/sync/copy_dispatcher.h"

#include <algorithm>
#include <deque>
#include <map>
#include <thread>
#include <variant>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "daemon/endpoint_policy.h"
#include "daemon/sync/copy_protocol.h"
#include "daemon/sync/copy_worker_loop.h"
#include "daemon/sync/wake_fd.h"
#include "events/mutex.h"

namespace distsync {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct SubmitCmd {
  std::string job;
  ServerPolicy policy;
  std::vector<CopyTask> tasks;
};
struct CancelJobCmd {
  std::string job;
};
using Inbox = std::variant<SubmitCmd, CancelJobCmd>;

struct WorkerInfo {
  SteadyClock::time_point last_seen;
  std::uint64_t busy = 0;  // dispatch number, 0 = idle
};

struct InFlight {
  std::vector<CopyTask> tasks;  // one batch: same job and server
  std::string worker;
  std::uint64_t share = 0;  // bytes/s this batch may copy at now (0 = unlimited)
};

// Tasks that may share one TASK message: one job's, so one policy.
bool batchable(const CopyTask& a, const CopyTask& b) {
  return a.job == b.job && a.server == b.server;
}

}  // namespace

class CopyDispatcher::Impl {
 public:
  Impl(DispatcherOptions options, OutcomeFn on_outcome)
      : options_(std::move(options)),
        on_outcome_(std::move(on_outcome)),
        context_(1),
        router_(context_, zmq::socket_type::router) {}

  Status bind() {
    if (!wake_.valid() || !stop_.valid()) return Status::unavailable("cannot create an eventfd");
    router_.set(zmq::sockopt::linger, 0);
    router_.set(zmq::sockopt::router_mandatory, 0);
    inproc_endpoint_ =
        "inproc://distsync-copy-" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
    router_.bind(inproc_endpoint_);
    if (!options_.external_endpoint.empty()) {
      Status allowed = check_endpoint_authentication("copy", options_.external_endpoint);
      if (!allowed.is_ok()) return allowed;
      try {
        router_.bind(options_.external_endpoint);
        bound_external_ = router_.get(zmq::sockopt::last_endpoint);
      } catch (const zmq::error_t& e) {
        return Status::invalid_argument("cannot bind the copy endpoint '" +
                                        options_.external_endpoint + "': " + e.what());
      }
    }
    return Status::ok();
  }

  void start() {
    thread_ = std::thread([this] { loop(); });
    for (std::size_t i = 0; i < options_.inproc_workers; ++i) {
      workers_.emplace_back([this, i] {
        CopyWorkerOptions o;
        o.endpoint = inproc_endpoint_;
        o.name = "inproc-" + std::to_string(i);
        o.heartbeat = options_.heartbeat;
        o.use_copy_file_range = options_.use_copy_file_range;
        o.batch_sync = options_.batch_sync;
        o.credentials = options_.credentials;
        o.target_options = options_.target_options;
        (void)run_copy_worker_loop(context_, o, stop_.fd(), limiters_);
      });
    }
  }

  ~Impl() {
    stop_.signal();  // never drained: every worker and the loop see it
    for (auto& w : workers_) w.join();
    if (thread_.joinable()) thread_.join();
  }

  void post(Inbox cmd) {
    {
      MutexLock lock(&mu_);
      inbox_.push_back(std::move(cmd));
    }
    wake_.signal();
  }

  DispatcherStats stats() const {
    MutexLock lock(&mu_);
    return stats_;
  }
  std::string external_endpoint() const { return bound_external_; }

 private:
  void loop() {
    for (;;) {
      std::vector<zmq::pollitem_t> items = {
          {router_.handle(), 0, ZMQ_POLLIN, 0},
          {nullptr, wake_.fd(), ZMQ_POLLIN, 0},
          {nullptr, stop_.fd(), ZMQ_POLLIN, 0},
      };
      try {
        zmq::poll(items, options_.heartbeat);
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) continue;
        return;
      }
      if (items[2].revents & ZMQ_POLLIN) return;
      if (items[1].revents & ZMQ_POLLIN) {
        wake_.drain();
        std::deque<Inbox> cmds;
        {
          MutexLock lock(&mu_);
          cmds.swap(inbox_);
        }
        for (auto& c : cmds) handle(c);
      }
      if (items[0].revents & ZMQ_POLLIN) receive();
      expire_workers();
      assign();
      publish_stats();
    }
  }

  void handle(Inbox& cmd) {
    if (auto* s = std::get_if<SubmitCmd>(&cmd)) {
      policies_[s->job] = s->policy;
      for (auto& t : s->tasks) pending_.push_back(std::move(t));
      return;
    }
    const std::string& job = std::get<CancelJobCmd>(cmd).job;
    std::vector<CopyOutcome> dropped;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->job == job) {
        CopyOutcome o;
        o.id = it->id;
        o.job = it->job;
        o.failure = "cancelled";
        o.message = "cancelled before it started";
        dropped.push_back(std::move(o));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    if (!dropped.empty()) on_outcome_(std::move(dropped));
    for (const auto& [dispatch, f] : in_flight_) {
      if (f.tasks.front().job == job) send(f.worker, CancelMsg{dispatch});
    }
    forget_if_idle(job);
  }

  const ServerPolicy& policy_of(const std::string& job) const {
    static const ServerPolicy kNone;
    auto it = policies_.find(job);
    return it == policies_.end() ? kNone : it->second;
  }

  // A job with nothing queued or in flight needs its policy no more.
  void forget_if_idle(const std::string& job) {
    for (const auto& t : pending_) {
      if (t.job == job) return;
    }
    for (const auto& [dispatch, f] : in_flight_) {
      if (f.tasks.front().job == job) return;
    }
    policies_.erase(job);
  }

  void receive() {
    for (;;) {
      std::vector<zmq::message_t> frames;
      auto got =
          zmq::recv_multipart(router_, std::back_inserter(frames), zmq::recv_flags::dontwait);
      if (!got) return;
      // identity, tag, verb, body; anything else is not a copy worker and is dropped.
      if (frames.size() != 4 || frames[1].to_string_view() != kCopyProtocolTag) continue;
      Result<CopyMessage> msg =
          decode_copy_message(frames[2].to_string_view(), frames[3].to_string_view());
      if (!msg.ok()) continue;
      std::string id = frames[0].to_string();
      bool known = workers_info_.count(id) > 0;
      WorkerInfo& w = workers_info_[id];
      w.last_seen = SteadyClock::now();
      if (std::holds_alternative<ReadyMsg>(*msg)) {
        if (w.busy == 0) make_ready(id);
      } else if (const auto* hb = std::get_if<HeartbeatMsg>(&*msg)) {
        // A worker we lost (or never saw, after a restart) that is idle may work again.
        if (!known && hb->busy == 0) make_ready(id);
      } else if (const auto* p = std::get_if<ProgressMsg>(&*msg)) {
        auto it = in_flight_.find(p->dispatch);
        if (it != in_flight_.end() && it->second.worker == id && options_.live_progress) {
          options_.live_progress->written(it->second.tasks.front().job, p->dispatch, p->bytes);
        }
      } else if (const auto* r = std::get_if<ResultMsg>(&*msg)) {
        auto it = in_flight_.find(r->dispatch);
        if (it != in_flight_.end() && it->second.worker == id) {
          if (options_.live_progress) options_.live_progress->ended(r->dispatch);
          std::vector<CopyTask>& tasks = it->second.tasks;
          std::vector<CopyOutcome> outcomes;
          outcomes.reserve(tasks.size());
          for (std::size_t i = 0; i < tasks.size(); ++i) {
            CopyOutcome o;
            o.id = tasks[i].id;
            o.job = tasks[i].job;
            if (i < r->files.size()) {
              const FileResult& f = r->files[i];
              o.ok = f.ok;
              o.failure = f.failure;
              o.message = f.message;
              o.bytes = f.bytes;
              o.sha256 = f.sha256;
            } else {  // the task did not run (or the worker answered short): not copied
              o.ok = false;
              o.failure = r->failure == "none" ? "io_error" : r->failure;
              o.message =
                  r->message.empty() ? "the worker reported no result for this file" : r->message;
            }
            outcomes.push_back(std::move(o));
          }
          --per_server_[tasks.front().server];
          std::string job = tasks.front().job;
          std::string server = tasks.front().server;
          in_flight_.erase(it);
          reshare(server);
          forget_if_idle(job);
          on_outcome_(std::move(outcomes));
        }
        if (w.busy == r->dispatch || !known) {
          w.busy = 0;
          make_ready(id);
        }
      }
    }
  }

  void make_ready(const std::string& id) {
    for (const auto& r : ready_) {
      if (r == id) return;
    }
    ready_.push_back(id);
  }

  void expire_workers() {
    auto now = SteadyClock::now();
    for (auto it = workers_info_.begin(); it != workers_info_.end();) {
      if (now - it->second.last_seen <= options_.worker_timeout) {
        ++it;
        continue;
      }
      const std::string& id = it->first;
      std::erase(ready_, id);
      for (auto f = in_flight_.begin(); f != in_flight_.end();) {
        if (f->second.worker == id) {
          std::vector<CopyTask>& tasks = f->second.tasks;
          --per_server_[tasks.front().server];
          for (auto t = tasks.rbegin(); t != tasks.rend(); ++t) pending_.push_front(std::move(*t));
          ++stats_redispatched_;
          if (options_.live_progress) options_.live_progress->ended(f->first);
          f = in_flight_.erase(f);
        } else {
          ++f;
        }
      }
      ++stats_lost_;
      it = workers_info_.erase(it);
      std::vector<std::string> servers;  // reshare() may forget a server: iterate a copy
      for (const auto& [server, rate] : server_rate_) servers.push_back(server);
      for (const auto& server : servers) reshare(server);
    }
  }

  void assign() {
    std::map<std::string, RateNow> rates;  // each job's plan, asked once per assign()
    auto rate_of = [&](const std::string& job) -> const RateNow& {
      auto it = rates.find(job);
      if (it != rates.end()) return it->second;
      const ServerPolicy& p = policy_of(job);
      return rates[job] = p.rate_now ? p.rate_now() : RateNow{false, p.bandwidth_bps};
    };
    while (!ready_.empty() && in_flight_.size() < options_.max_concurrent) {
      auto task = pending_.end();
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        std::uint32_t max_parallel = policy_of(it->job).max_parallel;
        if (rate_of(it->job).closed) {  // held until the window opens
          if (const auto& hold = policy_of(it->job).hold) hold->held = true;
          continue;
        }
        if (max_parallel == 0 || per_server_[it->server] < max_parallel) {
          task = it;
          break;
        }
      }
      if (task == pending_.end()) return;
      std::string worker = ready_.front();
      std::vector<CopyTask> batch = take_batch(task);
      std::uint64_t dispatch = next_dispatch_++;
      TaskMsg m;
      m.dispatch = dispatch;
      const ServerPolicy& policy = policy_of(batch.front().job);
      if (policy.hold) policy.hold->held = false;  // handed out again: no longer held
      m.verify = policy.verify;
      const std::string& server = batch.front().server;
      server_rate_[server] = rate_of(batch.front().job).bps;
      m.limit_key = server;
      m.rate_share = true;
      m.target_root = policy.target.root;
      m.credential = policy.target.credential;
      m.files.reserve(batch.size());
      for (const CopyTask& t : batch) {
        m.files.push_back(TaskFile{t.source, t.target, t.size, t.mtime_ns, t.sha256});
      }
      ready_.pop_front();
      ++per_server_[server];
      workers_info_[worker].busy = dispatch;
      // The server's other batches slow down to the new share before this one starts.
      m.bandwidth_bps = share_of(server);
      std::string server_key = server;  // `server` refers into the batch, moved below
      in_flight_[dispatch] = InFlight{std::move(batch), worker, m.bandwidth_bps};
      reshare(server_key);
      send(worker, m);
      ++stats_dispatched_;
    }
  }

  // One server's limit, divided evenly among its batches in flight, whichever worker (thread
  // or process) runs them, so that k workers never get k times the limit. The rate is the one
  // in force at the server's latest hand-out.
  std::uint64_t share_of(const std::string& server) {
    auto r = server_rate_.find(server);
    if (r == server_rate_.end() || r->second == 0) return 0;
    const std::uint64_t n = std::max<std::uint32_t>(per_server_[server], 1);
    return std::max<std::uint64_t>(r->second / n, 1);
  }

  // Tells each running batch of `server` its share when that has changed (RATE).
  void reshare(const std::string& server) {
    const std::uint64_t share = share_of(server);
    for (auto& [dispatch, f] : in_flight_) {
      if (f.tasks.front().server != server || f.share == share) continue;
      f.share = share;
      send(f.worker, RateMsg{dispatch, share});
    }
    if (per_server_[server] == 0) server_rate_.erase(server);
  }

  // Removes from pending_ the batch that starts at `first`: `first` and the next batchable
  // tasks, within the batch limits, and no more than an even share of the batchable queue
  // per ready worker so that a short queue still keeps every worker busy.
  std::vector<CopyTask> take_batch(std::deque<CopyTask>::iterator first) {
    const CopyTask key{0, first->job, first->server, "", "", 0, 0, ""};
    const std::size_t limit = std::max<std::size_t>(options_.max_batch_files, 1);
    const std::size_t workers = std::max<std::size_t>(ready_.size(), 1);
    std::size_t same = 0;
    for (auto it = first; it != pending_.end() && same < limit * workers; ++it) {
      if (batchable(key, *it)) ++same;
    }
    const std::size_t max_files = std::clamp<std::size_t>((same + workers - 1) / workers, 1, limit);
    std::vector<CopyTask> batch;
    std::uint64_t bytes = 0;
    for (auto it = first; it != pending_.end() && batch.size() < max_files;) {
      if (!batchable(key, *it)) {
        ++it;
        continue;
      }
      if (!batch.empty() && bytes + it->size > options_.max_batch_bytes) break;
      bytes += it->size;
      batch.push_back(std::move(*it));
      it = pending_.erase(it);
    }
    return batch;
  }

  void send(const std::string& worker, const CopyMessage& message) {
    EncodedMessage m = encode_copy_message(message);
    std::vector<zmq::const_buffer> frames = {zmq::buffer(worker), zmq::buffer(kCopyProtocolTag),
                                             zmq::buffer(m.verb), zmq::buffer(m.body)};
    (void)zmq::send_multipart(router_, frames, zmq::send_flags::dontwait);
  }

  void publish_stats() {
    MutexLock lock(&mu_);
    stats_.workers = workers_info_.size();
    stats_.pending = pending_.size();
    stats_.in_flight = in_flight_.size();
    stats_.dispatched = stats_dispatched_;
    stats_.redispatched = stats_redispatched_;
    stats_.lost_workers = stats_lost_;
  }

  const DispatcherOptions options_;
  const OutcomeFn on_outcome_;
  zmq::context_t context_;
  zmq::socket_t router_;  // owned by the loop thread after start()
  std::string inproc_endpoint_;
  std::string bound_external_;
  WakeFd wake_;
  WakeFd stop_;
  LimiterRegistry limiters_;
  std::thread thread_;
  std::vector<std::thread> workers_;

  mutable Mutex mu_;
  std::deque<Inbox> inbox_ GUARDED_BY(mu_);
  DispatcherStats stats_ GUARDED_BY(mu_);

  // Loop thread only.
  std::map<std::string, WorkerInfo> workers_info_;
  std::deque<std::string> ready_;  // least recently ready first
  std::deque<CopyTask> pending_;
  std::map<std::uint64_t, InFlight> in_flight_;
  std::map<std::string, std::uint32_t> per_server_;
  std::map<std::string, std::uint64_t> server_rate_;  // servers with batches in flight
  std::map<std::string, ServerPolicy> policies_;  // by job, while it has tasks here
  std::uint64_t next_dispatch_ = 1;
  std::uint64_t stats_dispatched_ = 0, stats_redispatched_ = 0, stats_lost_ = 0;
};

Result<std::unique_ptr<CopyDispatcher>> CopyDispatcher::start(DispatcherOptions options,
                                                              OutcomeFn on_outcome) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(on_outcome));
  Status s = impl->bind();
  if (!s.is_ok()) return s;
  impl->start();
  return std::unique_ptr<CopyDispatcher>(new CopyDispatcher(std::move(impl)));
}

CopyDispatcher::CopyDispatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CopyDispatcher::~CopyDispatcher() = default;
void CopyDispatcher::submit(const std::string& job, const ServerPolicy& policy,
                            std::vector<CopyTask> tasks) {
  if (!tasks.empty()) impl_->post(SubmitCmd{job, policy, std::move(tasks)});
}
void CopyDispatcher::cancel_job(const std::string& job) { impl_->post(CancelJobCmd{job}); }
DispatcherStats CopyDispatcher::stats() const { return impl_->stats(); }
std::string CopyDispatcher::external_endpoint() const { return impl_->external_endpoint(); }

}  // namespace distsync
