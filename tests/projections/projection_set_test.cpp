// ProjectionSet's reader contract: readers see only committed state.
#include <gtest/gtest.h>

#include <future>

#include "events/log/memory_event_log.h"
#include "projections/projection_set.h"

namespace distsync {
namespace {

ServerSpec server(const std::string& name) {
  ServerSpec s;
  s.name = name;
  s.root_path = "/srv/" + name;
  return s;
}

std::size_t server_count(const ProjectionSet& p) {
  return p.with_state([](const ProjectedState& s) { return s.servers.servers.items().size(); });
}

// A command whose decision starts a reader on another thread while the write transaction is
// open; the reader must wait for the transaction's end and see its outcome, never its middle.
std::future<std::size_t> submit_with_reader(MemoryEventLog& log, const ProjectionSet& p,
                                            const std::string& name, Status* result) {
  std::future<std::size_t> seen;
  auto r = log.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
    seen = std::async(std::launch::async, [&p] { return server_count(p); });
    out->push_back({"", ServerAdded{server(name)}});
    return Status::ok();
  });
  *result = r.status();
  return seen;
}

TEST(ProjectionSetTest, AReaderDuringACommitSeesItsResult) {
  ProjectionSet projections;
  MemoryEventLog log("c1", &projections);
  Status result = Status::ok();
  auto seen = submit_with_reader(log, projections, "a", &result);
  ASSERT_TRUE(result.is_ok()) << result.message();
  EXPECT_EQ(seen.get(), 1u);
}

TEST(ProjectionSetTest, AFailedCommitIsNeverSeenByReaders) {
  ProjectionSet projections;
  MemoryEventLog log("c1", &projections);
  ASSERT_TRUE(log.append({{"", ServerAdded{server("a")}}}).ok());
  log.fail_commits([](const Event&) { return true; }, Status::io_error("disk full"));
  Status result = Status::ok();
  auto seen = submit_with_reader(log, projections, "b", &result);
  EXPECT_FALSE(result.is_ok());
  EXPECT_EQ(seen.get(), 1u);               // the reader that waited saw the rollback
  EXPECT_EQ(server_count(projections), 1u);  // and so does every later one
  EXPECT_EQ(log.last_seq(), 1u);
}

}  // namespace
}  // namespace distsync
