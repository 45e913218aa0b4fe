#include "daemon/agents/agent_watch.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "events/mutex.h"

namespace distsync {

void decide_agent_presence(const ProjectedState& state, const std::vector<AgentPresence>& seen,
                           std::int64_t now_us, std::int64_t timeout_us,
                           std::vector<EventDraft>* out) {
  for (const AgentPresence& p : seen) {
    const AgentRecord* rec = state.agents.agents.find(p.name);
    if (rec == nullptr || p.last_seen_us == 0) continue;  // revoked, or never heard from
    const bool silent = now_us - p.last_seen_us > timeout_us;
    if (!rec->lost && silent) {
      AgentLost lost{p.name, p.last_seen_us, {}};
      for (const auto& [server, srec] : state.servers.servers.items()) {
        if (srec.spec.on_agent(p.name)) lost.servers.push_back(server);
      }
      out->push_back({"", std::move(lost)});
    } else if (rec->lost && !silent && p.connected) {
      out->push_back({"", AgentReconnected{p.name, rec->lost_since_us, p.address}});
    }
  }
}

class AgentWatcher::Impl {
 public:
  Impl(AgentHub& hub, EventLog& log, ProjectionSet& projections, AgentWatchOptions options)
      : hub_(hub), log_(log), projections_(projections), options_(std::move(options)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Impl() { stop(); }

  void stop() {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    for (;;) {
      {
        MutexLock lock(&mu_);
        const auto until = std::chrono::steady_clock::now() + options_.period;
        while (!stopping_ && cv_.wait_until(&mu_, until)) {
        }
        if (stopping_) return;
      }
      tick();
    }
  }

  void tick() {
    const std::vector<AgentPresence> seen = hub_.agents();
    if (seen.empty()) return;
    const std::int64_t timeout_us =
        std::chrono::duration_cast<std::chrono::microseconds>(options_.lost_timeout).count();
    auto appended = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      const std::int64_t now = options_.now_us();
      return projections_.with_state([&](const ProjectedState& s) {
        decide_agent_presence(s, seen, now, timeout_us, out);
        return Status::ok();
      });
    });
    if (!appended.ok()) {  // tried again next tick
      spdlog::warn("cannot record agent presence: {}", appended.status().message());
    }
  }

  AgentHub& hub_;
  EventLog& log_;
  ProjectionSet& projections_;
  const AgentWatchOptions options_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

AgentWatcher::AgentWatcher(AgentHub& hub, EventLog& log, ProjectionSet& projections,
                           AgentWatchOptions options)
    : impl_(std::make_unique<Impl>(hub, log, projections, std::move(options))) {}
AgentWatcher::~AgentWatcher() = default;
void AgentWatcher::stop() { impl_->stop(); }

}  // namespace distsync
