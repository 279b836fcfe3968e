// Schema migrations on real database files.

#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "store/db.hpp"
#include "temp_dir.hpp"

namespace srtgw::store {
namespace {

using testing::TempDir;

int64_t queryInt(Db& db, std::string_view sql) {
  auto s = Stmt::prepare(db, sql);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s) {
    return -1;
  }
  auto row = s->step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return row.ok() && *row ? s->columnInt64(0) : -1;
}

bool hasSchemaObject(Db& db, const std::string& type, const std::string& name) {
  auto s = Stmt::prepare(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = ?1 AND name = ?2");
  EXPECT_TRUE(s.ok());
  if (!s) {
    return false;
  }
  s->bind(1, type).bind(2, name);
  auto row = s->step();
  return row.ok() && *row && s->columnInt64(0) == 1;
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.valid());
    auto db = Db::open(dir_.file("m.db"));
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::make_unique<Db>(std::move(db).value());
  }
  TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(MigrationsTest, FreshDatabaseGetsLatestSchema) {
  auto before = schemaVersion(*db_);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*before, 0);

  auto v = migrate(*db_);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, latestSchemaVersion());
  EXPECT_GE(latestSchemaVersion(), 1);
  auto after = schemaVersion(*db_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, latestSchemaVersion());
  EXPECT_TRUE(hasSchemaObject(*db_, "table", "inputs"));
  EXPECT_TRUE(hasSchemaObject(*db_, "table", "outputs"));
  EXPECT_TRUE(hasSchemaObject(*db_, "index", "outputs_input_id"));
  // AUTOINCREMENT tables are tracked in sqlite_sequence.
  EXPECT_TRUE(hasSchemaObject(*db_, "table", "sqlite_sequence"));
}

TEST_F(MigrationsTest, SecondRunIsANoOp) {
  ASSERT_TRUE(migrate(*db_).ok());
  ASSERT_TRUE(db_->exec("INSERT INTO inputs (name, config, created_ms, updated_ms) "
                        "VALUES ('a', '{}', 1, 1)")
                  .ok());
  const int64_t schema_cookie = queryInt(*db_, "PRAGMA schema_version");

  auto again = migrate(*db_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, latestSchemaVersion());
  EXPECT_EQ(queryInt(*db_, "PRAGMA user_version"), latestSchemaVersion());
  EXPECT_EQ(queryInt(*db_, "PRAGMA schema_version"), schema_cookie);  // no DDL ran
  EXPECT_EQ(queryInt(*db_, "SELECT COUNT(*) FROM inputs"), 1);
}

TEST_F(MigrationsTest, ReopenedDatabaseIsUpToDate) {
  ASSERT_TRUE(migrate(*db_).ok());
  db_.reset();
  auto reopened = Db::open(dir_.file("m.db"));
  ASSERT_TRUE(reopened.ok());
  auto v = schemaVersion(*reopened);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, latestSchemaVersion());
  EXPECT_TRUE(migrate(*reopened).ok());
}

TEST_F(MigrationsTest, NewerDatabaseIsRefusedAndLeftAlone) {
  const int newer = latestSchemaVersion() + 1;
  ASSERT_TRUE(db_->exec("PRAGMA user_version = " + std::to_string(newer)).ok());

  auto v = migrate(*db_);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, core::Errc::kConflict);
  EXPECT_NE(v.error().message.find(std::to_string(newer)), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find("newer"), std::string::npos) << v.error().message;
  EXPECT_EQ(queryInt(*db_, "PRAGMA user_version"), newer);
  EXPECT_FALSE(hasSchemaObject(*db_, "table", "inputs"));
}

TEST_F(MigrationsTest, FailedMigrationRollsBackCompletely) {
  // A stray table with a clashing name makes migration 1 fail half way through.
  ASSERT_TRUE(db_->exec("CREATE TABLE outputs (x)").ok());

  auto v = migrate(*db_);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("migration 1"), std::string::npos) << v.error().message;
  EXPECT_EQ(queryInt(*db_, "PRAGMA user_version"), 0);
  EXPECT_FALSE(hasSchemaObject(*db_, "table", "inputs"));  // created before the failure
}

TEST_F(MigrationsTest, SchemaHasDefaultsAndCascade) {
  ASSERT_TRUE(migrate(*db_).ok());
  ASSERT_TRUE(db_->exec("INSERT INTO inputs (name, config, created_ms, updated_ms) "
                        "VALUES ('in', '{}', 1, 1);"
                        "INSERT INTO outputs (input_id, name, config, created_ms, updated_ms) "
                        "VALUES (1, 'out', '{}', 1, 1);")
                  .ok());
  EXPECT_EQ(queryInt(*db_, "SELECT enabled FROM inputs WHERE id = 1"), 1);
  EXPECT_EQ(queryInt(*db_, "SELECT enabled FROM outputs WHERE id = 1"), 1);
  EXPECT_FALSE(db_->exec("INSERT INTO inputs (name, created_ms, updated_ms) VALUES ('x', 1, 1)")
                   .ok());  // config is NOT NULL
  ASSERT_TRUE(db_->exec("DELETE FROM inputs WHERE id = 1").ok());
  EXPECT_EQ(queryInt(*db_, "SELECT COUNT(*) FROM outputs"), 0);
}

}  // namespace
}  // namespace srtgw::store
