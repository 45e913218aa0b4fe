// A log with projections in memory, and a helper that runs a decide function as a command.
#pragma once

#include <gtest/gtest.h>

#include "events/log/memory_event_log.h"
#include "projections/projection_set.h"

namespace distsync::testing {

class CommandFixture : public ::testing::Test {
 protected:
  CommandFixture() : log_("c1", &projections_, [this] { return now_us_; }) {}

  // Runs decide(state, out) as a command in the log; returns its status.
  template <typename Decide>
  Status run(Decide decide) {
    auto r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      return projections_.with_state([&](const ProjectedState& s) { return decide(s, out); });
    });
    return r.ok() ? Status::ok() : r.status();
  }
  template <typename Fn>
  auto state(Fn fn) {
    return projections_.with_state(fn);
  }

  ServerSpec server(const std::string& name) {
    ServerSpec s;
    s.name = name;
    s.root_path = "/srv/" + name;
    return s;
  }

  std::int64_t now_us_ = 1'780'000'000'000'000;  // 2026-05-28
  ProjectionSet projections_;
  MemoryEventLog log_;
};

}  // namespace distsync::testing
