#include "projections/entity_store.h"

#include <gtest/gtest.h>

#include <cereal/types/string.hpp>

#include "events/log/memory_event_log.h"

namespace distsync {
namespace {

struct Rec {
  std::string id;
  int n = 0;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(id, n);
  }
};

// Longer than the small-string buffer, so a moved-from or freed id is really gone.
std::string long_id(int i) { return "job-with-an-id-longer-than-sso-" + std::to_string(i); }

// finish() evicts a job by its own id: `evict(job->id)`. The key must survive the record's
// move and erase (ASan saw a heap-use-after-free here), and the recent cache stays bounded.
TEST(EntityStoreTest, EvictByTheRecordsOwnIdArchivesItAndBoundsTheRecentCache) {
  EntityStore<Rec> store("rec/", "rec-done/");
  const int n = 300;  // more than the recent cache holds
  for (int i = 0; i < n; ++i) store.put(long_id(i), Rec{long_id(i), i});
  for (int i = 0; i < n; ++i) store.evict(store.find_mutable(long_id(i))->id);

  EXPECT_TRUE(store.items().empty());
  EXPECT_EQ(store.find(long_id(0)), nullptr);  // fell out of the recent cache
  ASSERT_NE(store.find(long_id(n - 1)), nullptr);
  EXPECT_EQ(store.find(long_id(n - 1))->n, n - 1);

  MapStateTable table;
  store.save(table);
  Rec out;
  ASSERT_TRUE(EntityStore<Rec>::read(table, "rec-done/", long_id(0), &out));
  EXPECT_EQ(out.id, long_id(0));
  EXPECT_FALSE(table.get("rec/" + long_id(0)).has_value());
}

TEST(EntityStoreTest, EraseAndPutByTheRecordsOwnId) {
  EntityStore<Rec> store("rec/");
  store.put(long_id(1), Rec{long_id(1), 1});
  MapStateTable table;
  store.save(table);
  ASSERT_TRUE(table.get("rec/" + long_id(1)).has_value());

  store.erase(store.find_mutable(long_id(1))->id);
  store.save(table);
  EXPECT_FALSE(table.get("rec/" + long_id(1)).has_value());
}

}  // namespace
}  // namespace distsync
