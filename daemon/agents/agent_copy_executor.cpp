#include "daemon/agents/agent_copy_executor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
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
  std::string agent;  // the one its locations name: the pool's first
  ServerPolicy policy;
  std::vector<CopyTask> tasks;
  std::vector<std::string> lost_on;  // agents whose link broke while carrying it
};

// `tasks` cut into batches of at most `max_files`, and into at least `lanes` of them when
// there are that many tasks, so a server's parallel batches (and the agents of its pool)
// all get work. Each task goes to the batch with the fewest bytes so far, largest task first,
// which evens out a few big files; within a batch the tasks keep their order.
std::vector<std::vector<CopyTask>> split(std::vector<CopyTask> tasks, std::size_t lanes,
                                         std::size_t max_files) {
  const std::size_t n = tasks.size();
  if (n == 0) return {};
  max_files = std::max<std::size_t>(max_files, 1);
  const std::size_t count =
      std::max((n + max_files - 1) / max_files, std::min(n, std::max<std::size_t>(lanes, 1)));
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tasks[a].size > tasks[b].size; });
  std::vector<std::vector<std::size_t>> picks(count);
  std::vector<std::uint64_t> bytes(count, 0);
  for (std::size_t i : order) {
    std::size_t best = count;
    for (std::size_t k = 0; k < count; ++k) {
      if (picks[k].size() >= max_files) continue;
      if (best == count || bytes[k] < bytes[best]) best = k;
    }
    picks[best].push_back(i);  // count * max_files >= n: some batch has room
    bytes[best] += tasks[i].size;
  }
  std::vector<std::vector<CopyTask>> out;
  for (auto& p : picks) {
    if (p.empty()) continue;
    std::sort(p.begin(), p.end());
    std::vector<CopyTask> batch;
    for (std::size_t i : p) batch.push_back(std::move(tasks[i]));
    out.push_back(std::move(batch));
  }
  return out;
}

}  // namespace

class AgentCopyExecutor::Impl {
 public:
  Impl(AgentHub& hub, CopyExecutor& local, OutcomeFn on_outcome, PoolFn pool_of,
       std::size_t threads, std::size_t max_batch_files)
      : hub_(hub), local_(local), on_outcome_(std::move(on_outcome)),
        pool_of_(std::move(pool_of)), max_batch_files_(max_batch_files) {
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
        for (auto& tasks : split(std::move(list), policy.max_parallel, max_batch_files_)) {
          std::string server = tasks.front().server;
          queue_.push_back(Batch{job, std::move(server), agent, policy, std::move(tasks), {}});
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
      const std::string agent = take_agent(b);
      std::vector<TargetFile> files;
      for (const CopyTask& t : b.tasks) files.push_back({t.source, t.target, t.sha256});
      BatchCopyOptions o;
      o.verify = b.policy.verify;
      o.limiter = limiter;
      o.cancel = cancel.get();
      AgentTarget target(hub_, {agent}, "");
      AgentBatch done = target.write_batch_on(agent, files, o);
      bool again = false;  // failover: the link broke, another agent of the pool takes it
      if (done.link_lost && !cancel->load()) {
        b.lost_on.push_back(agent);
        again = !candidates(b).empty();
      }
      {
        MutexLock lock(&mu_);
        --running_[b.server];
        --busy_[agent];
        if (again && !stopping_) {
          spdlog::warn("agent {} went away during a batch of server {}; {} files go to another "
                       "agent of its pool", agent, b.server, b.tasks.size());
          queue_.push_front(std::move(b));
        } else {
          again = false;
        }
      }
      cv_.notify_all();
      if (again) continue;
      const std::vector<CopyResult>& results = done.results;
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
        stopping = stopping_;
      }
      if (!stopping) on_outcome_(std::move(out));
    }
  }

  // The agents of b's pool that are connected and have not lost it, in the pool's order.
  std::vector<std::string> candidates(const Batch& b) {
    std::vector<std::string> pool = pool_of_ ? pool_of_(b.server) : std::vector<std::string>{};
    if (pool.empty()) pool.push_back(b.agent);
    std::vector<std::string> out;
    for (const std::string& a : pool) {
      if (std::find(b.lost_on.begin(), b.lost_on.end(), a) != b.lost_on.end()) continue;
      if (hub_.await_connected(a, std::chrono::milliseconds(0))) out.push_back(a);
    }
    return out;
  }

  // The least busy connected agent of b's pool (the first in its order on a tie), counted
  // busy; with none connected, the pool's first, which awaits it and fails as for one agent.
  std::string take_agent(const Batch& b) {
    std::vector<std::string> live = candidates(b);
    MutexLock lock(&mu_);
    std::string pick = live.empty() ? b.agent : live.front();
    for (const std::string& a : live) {
      if (busy_[a] < busy_[pick]) pick = a;
    }
    ++busy_[pick];
    return pick;
  }

  AgentHub& hub_;
  CopyExecutor& local_;
  const OutcomeFn on_outcome_;
  const PoolFn pool_of_;
  const std::size_t max_batch_files_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::deque<Batch> queue_ GUARDED_BY(mu_);
  std::map<std::string, std::uint32_t> running_ GUARDED_BY(mu_);  // batches per server
  std::map<std::string, std::uint32_t> busy_ GUARDED_BY(mu_);     // batches per agent
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> cancel_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::uint64_t>, std::unique_ptr<BandwidthLimiter>> limiters_
      GUARDED_BY(mu_);
  std::vector<std::thread> pool_;
};

AgentCopyExecutor::AgentCopyExecutor(AgentHub& hub, CopyExecutor& local, OutcomeFn on_outcome,
                                     PoolFn pool_of, std::size_t threads,
                                     std::size_t max_batch_files)
    : impl_(std::make_unique<Impl>(hub, local, std::move(on_outcome), std::move(pool_of),
                                   threads, max_batch_files)) {}
AgentCopyExecutor::~AgentCopyExecutor() = default;
void AgentCopyExecutor::submit(const std::string& job, const ServerPolicy& policy,
                               std::vector<CopyTask> tasks) {
  impl_->submit(job, policy, std::move(tasks));
}
void AgentCopyExecutor::cancel_job(const std::string& job) { impl_->cancel_job(job); }

}  // namespace distsync
