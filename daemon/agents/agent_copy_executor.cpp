#include "daemon/agents/agent_copy_executor.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <thread>

#include "daemon/agents/agent_target.h"
#include "events/mutex.h"

namespace distsync {
namespace {

// How often batches held by a closed window look at their plan again.
constexpr std::chrono::milliseconds kPlanRecheck{1000};

// What the server's plan has in force now, as the copy dispatcher asks it for local servers.
RateNow rate_of(const ServerPolicy& policy) {
  return policy.rate_now ? policy.rate_now() : RateNow{false, policy.bandwidth_bps};
}

struct Batch {
  std::string job;
  std::string server;
  std::string agent;
  ServerPolicy policy;
  std::vector<CopyTask> tasks;
};

}  // namespace

class AgentCopyExecutor::Impl {
 public:
  Impl(AgentHub& hub, CopyExecutor& local, OutcomeFn on_outcome, std::size_t threads,
       std::size_t max_batch_files)
      : hub_(hub), local_(local), on_outcome_(std::move(on_outcome)),
        max_batch_files_(max_batch_files) {
    for (std::size_t i = 0; i < threads; ++i) pool_.emplace_back([this] { run(); });
  }

  ~Impl() {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
      for (auto& [job, flag] : cancel_) flag->store(true);
    }
    cv_.notify_all();
    for (auto& t : pool_) t.join();
  }

  void submit(const std::string& job, const ServerPolicy& policy, std::vector<CopyTask> tasks) {
    std::vector<CopyTask> local;
    std::map<std::string, std::vector<CopyTask>> by_agent;
    for (CopyTask& t : tasks) {
      std::string agent, path;
      if (parse_agent_location(t.target, &agent, &path)) {
        by_agent[agent].push_back(std::move(t));
      } else {
        local.push_back(std::move(t));
      }
    }
    if (!local.empty()) local_.submit(job, policy, std::move(local));
    if (by_agent.empty()) return;
    {
      MutexLock lock(&mu_);
      if (!cancel_.count(job)) cancel_[job] = std::make_shared<std::atomic<bool>>(false);
      for (auto& [agent, list] : by_agent) {
        for (std::size_t i = 0; i < list.size(); i += max_batch_files_) {
          Batch b{job, list[i].server, agent, policy, {}};
          for (std::size_t k = i; k < std::min(list.size(), i + max_batch_files_); ++k) {
            b.tasks.push_back(std::move(list[k]));
          }
          queue_.push_back(std::move(b));
        }
      }
    }
    cv_.notify_all();
  }

  void cancel_job(const std::string& job) {
    local_.cancel_job(job);
    std::vector<Batch> dropped;
    {
      MutexLock lock(&mu_);
      auto it = cancel_.find(job);
      if (it != cancel_.end()) it->second->store(true);
      for (auto q = queue_.begin(); q != queue_.end();) {
        if (q->job == job) {
          dropped.push_back(std::move(*q));
          q = queue_.erase(q);
        } else {
          ++q;
        }
      }
    }
    for (Batch& b : dropped) {
      std::vector<CopyOutcome> out;
      for (const CopyTask& t : b.tasks) {
        out.push_back({t.id, t.job, false, "cancelled", "cancelled", 0, ""});
      }
      on_outcome_(std::move(out));
    }
  }

 private:
  void run() {
    for (;;) {
      Batch b;
      std::shared_ptr<std::atomic<bool>> cancel;
      BandwidthLimiter* limiter = nullptr;
      RateNow rate;
      {
        MutexLock lock(&mu_);
        for (;;) {
          if (stopping_) return;
          bool held = false;  // a batch waits for its server's closed window to open
          auto it = queue_.begin();
          for (; it != queue_.end(); ++it) {
            if (it->policy.max_parallel != 0 && running_[it->server] >= it->policy.max_parallel) {
              continue;
            }
            rate = rate_of(it->policy);
            if (!rate.closed) break;
            held = true;
            if (it->policy.hold) it->policy.hold->held = true;
          }
          if (it != queue_.end()) {
            b = std::move(*it);
            queue_.erase(it);
            if (b.policy.hold) b.policy.hold->held = false;
            break;
          }
          if (held) {
            (void)cv_.wait_until(&mu_, std::chrono::steady_clock::now() + kPlanRecheck);
          } else {
            cv_.wait(&mu_);
          }
        }
        ++running_[b.server];
        cancel = cancel_[b.job];
        if (rate.bps != 0) {
          auto& slot = limiters_[{b.server, rate.bps}];
          if (!slot) slot = std::make_unique<BandwidthLimiter>(rate.bps);
          limiter = slot.get();
        }
      }
      std::vector<TargetFile> files;
      for (const CopyTask& t : b.tasks) files.push_back({t.source, t.target, t.sha256});
      BatchCopyOptions o;
      o.verify = b.policy.verify;
      o.limiter = limiter;
      o.cancel = cancel.get();
      AgentTarget target(hub_, b.agent, "");
      std::vector<CopyResult> results = target.write_batch(files, o);
      std::vector<CopyOutcome> out;
      for (std::size_t i = 0; i < b.tasks.size(); ++i) {
        const CopyResult& r = results[i];
        std::string failure = "none";
        if (!r.ok()) {
          failure = cancel->load() ? "cancelled" : std::string(copy_failure_name(r.failure));
          if (r.status.message().find("verification failed") != std::string::npos) {
            failure = "verify_mismatch";
          }
        }
        out.push_back({b.tasks[i].id, b.job, r.ok(), failure, r.ok() ? "" : r.status.message(),
                       r.bytes, r.sha256});
      }
      bool stopping = false;
      {
        MutexLock lock(&mu_);
        --running_[b.server];
        stopping = stopping_;
      }
      cv_.notify_all();
      if (!stopping) on_outcome_(std::move(out));
    }
  }

  AgentHub& hub_;
  CopyExecutor& local_;
  const OutcomeFn on_outcome_;
  const std::size_t max_batch_files_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::deque<Batch> queue_ GUARDED_BY(mu_);
  std::map<std::string, std::uint32_t> running_ GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> cancel_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::uint64_t>, std::unique_ptr<BandwidthLimiter>> limiters_
      GUARDED_BY(mu_);
  std::vector<std::thread> pool_;
};

AgentCopyExecutor::AgentCopyExecutor(AgentHub& hub, CopyExecutor& local, OutcomeFn on_outcome,
                                     std::size_t threads, std::size_t max_batch_files)
    : impl_(std::make_unique<Impl>(hub, local, std::move(on_outcome), threads,
                                   max_batch_files)) {}
AgentCopyExecutor::~AgentCopyExecutor() = default;
void AgentCopyExecutor::submit(const std::string& job, const ServerPolicy& policy,
                               std::vector<CopyTask> tasks) {
  impl_->submit(job, policy, std::move(tasks));
}
void AgentCopyExecutor::cancel_job(const std::string& job) { impl_->cancel_job(job); }

}  // namespace distsync
