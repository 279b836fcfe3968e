// StreamStore: CRUD, cascades, pagination, durability across connections and processes.

#include "store/stream_store.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace srtgw::store {
namespace {

using testing::TempDir;

// A secret-looking config: error messages must never echo it.
constexpr const char* kSecretConfig =
    R"({"url":"srt://:9000","passphrase":"correct-horse-battery-staple","latency":200})";

InputRecord input(std::string name, std::string config = R"({"url":"udp://:5000"})") {
  InputRecord r;
  r.name = std::move(name);
  r.config = std::move(config);
  return r;
}

OutputRecord output(int64_t input_id, std::string name,
                    std::string config = R"({"url":"udp://127.0.0.1:5002"})") {
  OutputRecord r;
  r.input_id = input_id;
  r.name = std::move(name);
  r.config = std::move(config);
  return r;
}

std::vector<int64_t> idsOf(const std::vector<InputRecord>& records) {
  std::vector<int64_t> ids;
  for (const auto& r : records) {
    ids.push_back(r.id);
  }
  return ids;
}

std::vector<int64_t> idsOf(const std::vector<OutputRecord>& records) {
  std::vector<int64_t> ids;
  for (const auto& r : records) {
    ids.push_back(r.id);
  }
  return ids;
}

class StreamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.valid());
    db_ = openMigrated();
    ASSERT_NE(db_, nullptr);
    store_ = std::make_unique<StreamStore>(*db_);
  }

  std::unique_ptr<Db> openMigrated() {
    auto db = Db::open(path());
    EXPECT_TRUE(db.ok()) << db.error().message;
    if (!db) {
      return nullptr;
    }
    auto v = migrate(*db);
    EXPECT_TRUE(v.ok()) << v.error().message;
    return std::make_unique<Db>(std::move(db).value());
  }

  std::string path() const { return dir_.file("streams.db"); }

  InputRecord mustCreate(InputRecord r) {
    auto created = store_->createInput(std::move(r));
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : InputRecord{};
  }

  OutputRecord mustCreate(OutputRecord r) {
    auto created = store_->createOutput(std::move(r));
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : OutputRecord{};
  }

  TempDir dir_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<StreamStore> store_;
};

// ------------------------------------------------------------------------------------ inputs

TEST_F(StreamStoreTest, InputRoundTrip) {
  const int64_t before = core::wallNowMs();
  InputRecord r = input("venue \xc3\xa9 1", kSecretConfig);
  r.id = 999;  // ignored: the store assigns ids
  r.enabled = false;
  auto created = store_->createInput(r);
  ASSERT_TRUE(created.ok()) << created.error().message;
  const int64_t after = core::wallNowMs();

  EXPECT_GT(created->id, 0);
  EXPECT_NE(created->id, 999);
  EXPECT_EQ(created->name, r.name);
  EXPECT_FALSE(created->enabled);
  EXPECT_EQ(created->config, kSecretConfig);
  EXPECT_GE(created->created_ms, before);
  EXPECT_LE(created->created_ms, after);
  EXPECT_EQ(created->updated_ms, created->created_ms);

  auto got = store_->getInput(created->id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  const InputRecord& stored = **got;
  EXPECT_EQ(stored.id, created->id);
  EXPECT_EQ(stored.name, r.name);
  EXPECT_FALSE(stored.enabled);
  EXPECT_EQ(stored.config, kSecretConfig);
  EXPECT_EQ(stored.created_ms, created->created_ms);
  EXPECT_EQ(stored.updated_ms, created->updated_ms);
}

TEST_F(StreamStoreTest, GetMissingInputIsNullopt) {
  auto got = store_->getInput(12345);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(StreamStoreTest, UpdateInputKeepsCreatedAndSetsUpdated) {
  InputRecord created = mustCreate(input("a"));
  InputRecord change = created;
  change.name = "b";
  change.enabled = false;
  change.config = R"({"url":"udp://:6000"})";
  change.created_ms = 1;  // must be ignored
  change.updated_ms = 1;  // must be ignored

  const int64_t before = core::wallNowMs();
  auto updated = store_->updateInput(change);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, created.id);
  EXPECT_EQ(updated->name, "b");
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->config, change.config);
  EXPECT_EQ(updated->created_ms, created.created_ms);
  EXPECT_GE(updated->updated_ms, before);

  auto got = store_->getInput(created.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->name, "b");
  EXPECT_FALSE((*got)->enabled);
  EXPECT_EQ((*got)->created_ms, created.created_ms);
  EXPECT_EQ((*got)->updated_ms, updated->updated_ms);
}

TEST_F(StreamStoreTest, UpdateOrDeleteMissingInputIsNotFound) {
  InputRecord ghost = input("ghost", kSecretConfig);
  ghost.id = 77;
  auto updated = store_->updateInput(ghost);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, core::Errc::kNotFound);
  EXPECT_EQ(updated.error().field, "id");
  EXPECT_EQ(updated.error().message.find("correct-horse"), std::string::npos);

  auto deleted = store_->deleteInput(77);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, core::Errc::kNotFound);
  EXPECT_EQ(*store_->countInputs(), 0);
}

TEST_F(StreamStoreTest, DeleteInputRemovesIt) {
  InputRecord a = mustCreate(input("a"));
  InputRecord b = mustCreate(input("b"));
  ASSERT_TRUE(store_->deleteInput(a.id).ok());
  auto got = store_->getInput(a.id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  auto list = store_->listInputs();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(idsOf(*list), std::vector<int64_t>{b.id});
  // Deleting twice: the second one finds nothing.
  EXPECT_EQ(store_->deleteInput(a.id).error().code, core::Errc::kNotFound);
}

TEST_F(StreamStoreTest, InputIdsAreNotReusedAfterDelete) {
  InputRecord a = mustCreate(input("a"));
  InputRecord b = mustCreate(input("b"));
  // Deleting the highest id is the case where a plain rowid table would hand it out again.
  ASSERT_TRUE(store_->deleteInput(b.id).ok());
  InputRecord c = mustCreate(input("c"));
  EXPECT_GT(c.id, b.id);
  EXPECT_NE(c.id, a.id);
}

// ----------------------------------------------------------------------------------- outputs

TEST_F(StreamStoreTest, OutputRoundTrip) {
  InputRecord in = mustCreate(input("in"));
  OutputRecord r = output(in.id, "affiliate 1", kSecretConfig);
  r.enabled = false;
  const int64_t before = core::wallNowMs();
  auto created = store_->createOutput(r);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->input_id, in.id);
  EXPECT_GE(created->created_ms, before);
  EXPECT_EQ(created->updated_ms, created->created_ms);

  auto got = store_->getOutput(created->id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->id, created->id);
  EXPECT_EQ((*got)->input_id, in.id);
  EXPECT_EQ((*got)->name, "affiliate 1");
  EXPECT_FALSE((*got)->enabled);
  EXPECT_EQ((*got)->config, kSecretConfig);
  EXPECT_EQ((*got)->created_ms, created->created_ms);

  auto missing = store_->getOutput(created->id + 100);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(StreamStoreTest, CreateOutputForMissingInputIsNotFound) {
  auto created = store_->createOutput(output(42, "orphan", kSecretConfig));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, core::Errc::kNotFound);
  EXPECT_EQ(created.error().field, "input_id");
  EXPECT_EQ(created.error().message.find("correct-horse"), std::string::npos);
  EXPECT_EQ(*store_->countOutputs(), 0);
  // The failed call must not leave its transaction open.
  EXPECT_TRUE(store_->createInput(input("in")).ok());
}

TEST_F(StreamStoreTest, UpdateOutputCanMoveItToAnotherInput) {
  InputRecord a = mustCreate(input("a"));
  InputRecord b = mustCreate(input("b"));
  OutputRecord out = mustCreate(output(a.id, "out"));

  OutputRecord change = out;
  change.input_id = b.id;
  change.name = "moved";
  change.enabled = false;
  change.created_ms = 5;
  auto updated = store_->updateOutput(change);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->input_id, b.id);
  EXPECT_EQ(updated->name, "moved");
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->created_ms, out.created_ms);
  EXPECT_GE(updated->updated_ms, out.updated_ms);
  EXPECT_EQ(*store_->countOutputsOf(a.id), 0);
  EXPECT_EQ(*store_->countOutputsOf(b.id), 1);
}

TEST_F(StreamStoreTest, UpdateOutputErrors) {
  InputRecord a = mustCreate(input("a"));
  OutputRecord out = mustCreate(output(a.id, "out"));

  OutputRecord to_missing_input = out;
  to_missing_input.input_id = a.id + 50;
  to_missing_input.name = "changed";
  auto r1 = store_->updateOutput(to_missing_input);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, core::Errc::kNotFound);
  EXPECT_EQ(r1.error().field, "input_id");
  auto unchanged = store_->getOutput(out.id);
  ASSERT_TRUE(unchanged.ok() && unchanged->has_value());
  EXPECT_EQ((*unchanged)->name, "out");
  EXPECT_EQ((*unchanged)->input_id, a.id);

  OutputRecord ghost = out;
  ghost.id = out.id + 50;
  auto r2 = store_->updateOutput(ghost);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, core::Errc::kNotFound);
  EXPECT_EQ(r2.error().field, "id");

  auto r3 = store_->deleteOutput(out.id + 50);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().code, core::Errc::kNotFound);
}

TEST_F(StreamStoreTest, DeleteOutputLeavesItsInput) {
  InputRecord a = mustCreate(input("a"));
  OutputRecord o1 = mustCreate(output(a.id, "o1"));
  OutputRecord o2 = mustCreate(output(a.id, "o2"));
  ASSERT_TRUE(store_->deleteOutput(o1.id).ok());
  auto left = store_->listOutputsOf(a.id);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(idsOf(*left), std::vector<int64_t>{o2.id});
  EXPECT_TRUE(store_->getInput(a.id)->has_value());
}

TEST_F(StreamStoreTest, DeletingAnInputDeletesItsOutputsOnly) {
  InputRecord a = mustCreate(input("a"));
  InputRecord b = mustCreate(input("b"));
  OutputRecord a1 = mustCreate(output(a.id, "a1"));
  OutputRecord a2 = mustCreate(output(a.id, "a2"));
  OutputRecord b1 = mustCreate(output(b.id, "b1"));
  ASSERT_EQ(*store_->countOutputs(), 3);

  ASSERT_TRUE(store_->deleteInput(a.id).ok());
  EXPECT_EQ(*store_->countOutputs(), 1);
  EXPECT_EQ(*store_->countOutputsOf(a.id), 0);
  EXPECT_FALSE(store_->getOutput(a1.id)->has_value());
  EXPECT_FALSE(store_->getOutput(a2.id)->has_value());
  EXPECT_TRUE(store_->getOutput(b1.id)->has_value());
}

TEST_F(StreamStoreTest, OutputIdsAreNotReusedAfterDelete) {
  InputRecord a = mustCreate(input("a"));
  OutputRecord o1 = mustCreate(output(a.id, "o1"));
  ASSERT_TRUE(store_->deleteOutput(o1.id).ok());
  OutputRecord o2 = mustCreate(output(a.id, "o2"));
  EXPECT_GT(o2.id, o1.id);
  // Also when the outputs went away with their input.
  ASSERT_TRUE(store_->deleteInput(a.id).ok());
  InputRecord b = mustCreate(input("b"));
  EXPECT_GT(b.id, a.id);
  OutputRecord o3 = mustCreate(output(b.id, "o3"));
  EXPECT_GT(o3.id, o2.id);
}

// -------------------------------------------------------------------------------- pagination

TEST_F(StreamStoreTest, ListInputsPaginatesInIdOrder) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(mustCreate(input("in" + std::to_string(i))).id);
  }
  auto page = [&](int64_t offset, int64_t limit) {
    auto r = store_->listInputs(offset, limit);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? idsOf(*r) : std::vector<int64_t>{-1};
  };
  EXPECT_EQ(page(0, -1), ids);
  EXPECT_EQ(page(0, 2), (std::vector<int64_t>{ids[0], ids[1]}));
  EXPECT_EQ(page(2, 2), (std::vector<int64_t>{ids[2], ids[3]}));
  EXPECT_EQ(page(4, 2), (std::vector<int64_t>{ids[4]}));
  EXPECT_EQ(page(5, 2), std::vector<int64_t>{});
  EXPECT_EQ(page(1, -1), (std::vector<int64_t>{ids[1], ids[2], ids[3], ids[4]}));
  EXPECT_EQ(page(0, 0), std::vector<int64_t>{});
  EXPECT_EQ(*store_->countInputs(), 5);

  auto bad = store_->listInputs(-1, 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::Errc::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "offset");
}

TEST_F(StreamStoreTest, ListOutputsPaginatesAndFiltersByInput) {
  InputRecord a = mustCreate(input("a"));
  InputRecord b = mustCreate(input("b"));
  std::vector<int64_t> of_a;
  std::vector<int64_t> all;
  for (int i = 0; i < 6; ++i) {
    const InputRecord& owner = i % 2 == 0 ? a : b;
    OutputRecord o = mustCreate(output(owner.id, "o" + std::to_string(i)));
    all.push_back(o.id);
    if (owner.id == a.id) {
      of_a.push_back(o.id);
    }
  }
  auto list = store_->listOutputs();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(idsOf(*list), all);
  auto page = store_->listOutputs(3, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(idsOf(*page), (std::vector<int64_t>{all[3], all[4]}));
  auto bad = store_->listOutputs(-5);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::Errc::kInvalidArgument);

  auto mine = store_->listOutputsOf(a.id);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(idsOf(*mine), of_a);
  EXPECT_EQ(*store_->countOutputs(), 6);
  EXPECT_EQ(*store_->countOutputsOf(a.id), 3);
  EXPECT_EQ(*store_->countOutputsOf(b.id), 3);
  EXPECT_EQ(*store_->countOutputsOf(9999), 0);
  auto none = store_->listOutputsOf(9999);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// -------------------------------------------------------------------------------- durability

TEST_F(StreamStoreTest, EverythingIsStillThereAfterReopen) {
  InputRecord a = mustCreate(input("a", kSecretConfig));
  OutputRecord o = mustCreate(output(a.id, "o"));
  InputRecord gone = mustCreate(input("gone"));
  ASSERT_TRUE(store_->deleteInput(gone.id).ok());
  store_.reset();
  db_.reset();

  std::unique_ptr<Db> reopened = openMigrated();
  ASSERT_NE(reopened, nullptr);
  StreamStore store(*reopened);
  auto got = store.getInput(a.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->name, "a");
  EXPECT_EQ((*got)->config, kSecretConfig);
  EXPECT_EQ((*got)->created_ms, a.created_ms);
  auto got_out = store.getOutput(o.id);
  ASSERT_TRUE(got_out.ok() && got_out->has_value());
  EXPECT_EQ((*got_out)->input_id, a.id);
  EXPECT_EQ(*store.countInputs(), 1);
  // The AUTOINCREMENT high-water mark survives too.
  auto next = store.createInput(input("next"));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->id, gone.id);
}

TEST_F(StreamStoreTest, AcknowledgedWriteSurvivesKillDashNine) {
  store_.reset();
  db_.reset();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Child: no gtest here; write, then die without any cleanup once the write returned.
    auto db = Db::open(path());
    if (!db || !migrate(*db)) {
      _exit(3);
    }
    StreamStore store(*db);
    InputRecord r;
    r.name = "survivor";
    r.config = "{}";
    if (!store.createInput(r)) {
      _exit(4);
    }
    kill(getpid(), SIGKILL);
    _exit(5);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  std::unique_ptr<Db> db = openMigrated();
  ASSERT_NE(db, nullptr);
  StreamStore store(*db);
  auto list = store.listInputs();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ((*list)[0].name, "survivor");
}

TEST_F(StreamStoreTest, ReaderConnectionSeesCommittedWritesAndDoesNotBlockThem) {
  std::unique_ptr<Db> reader_db = openMigrated();
  ASSERT_NE(reader_db, nullptr);
  StreamStore reader(*reader_db);

  InputRecord a = mustCreate(input("a"));
  auto seen = reader.getInput(a.id);
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->name, "a");

  // A reader in the middle of a read transaction keeps its snapshot; with WAL the writer
  // neither waits for it nor fails.
  ASSERT_TRUE(reader_db->exec("BEGIN").ok());
  ASSERT_EQ(*reader.countInputs(), 1);  // starts the read snapshot
  const auto start = std::chrono::steady_clock::now();
  auto b = store_->createInput(input("b"));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_LT(took, std::chrono::milliseconds(kBusyTimeoutMs / 2));
  EXPECT_EQ(*reader.countInputs(), 1);
  ASSERT_TRUE(reader_db->exec("COMMIT").ok());
  EXPECT_EQ(*reader.countInputs(), 2);
  EXPECT_TRUE(reader.getInput(b->id)->has_value());
}

}  // namespace
}  // namespace srtgw::store
