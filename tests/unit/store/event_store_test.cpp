// EventStore against a real SQLite file.

#include "store/event_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace srtgw::store {
namespace {

using testing::TempDir;

EventRecord record(const std::string& type, int64_t input_id) {
  return EventRecord{0, 1000, type, input_id, 0, "", "{}"};
}

TEST(EventStore, ABatchIsStoredInOrderWithItsIdsAndTheLogIsTrimmed) {
  TempDir dir;
  ASSERT_TRUE(dir.valid());
  auto db = Db::open(dir.file("db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(*db).ok());
  EventStore events(*db);

  std::vector<EventRecord> first{record("input.created", 1), record("input.state", 1)};
  ASSERT_TRUE(events.append(first, 4).ok());
  EXPECT_GT(first[0].id, 0);
  EXPECT_EQ(first[1].id, first[0].id + 1);

  std::vector<EventRecord> none;
  EXPECT_TRUE(events.append(none, 4).ok());

  std::vector<EventRecord> second{record("output.created", 2), record("output.state", 2),
                                  record("client.connected", 2)};
  ASSERT_TRUE(events.append(second, 4).ok());
  EXPECT_EQ(second[0].id, first[1].id + 1);
  EXPECT_EQ(second[2].id, second[0].id + 2);

  // Five stored, four kept: the oldest went, newest first.
  EventQuery all;
  auto rows = events.query(all);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].type, "client.connected");
  EXPECT_EQ((*rows)[3].type, "input.state");
  EXPECT_EQ((*rows)[3].id, first[1].id);
}

}  // namespace
}  // namespace srtgw::store
