// EventBus against a real SQLite file, with another connection writing at the same time as
// the API does.

#include "control/event_bus.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "store/db.hpp"
#include "store/migrations.hpp"

namespace srtgw::control {
namespace {

using namespace std::chrono_literals;

// A burst of events (a hundred streams changing state at once, a flapping peer) once kept the
// event log's write transactions back to back, and the API's writes on their own connection
// timed out behind them ("Storage failure", 500). While events pour in, every write of the
// other connection must get through at once.
TEST(EventBus, AFloodOfEventsLeavesTheWriteLockToOtherWriters) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("srtgw-event-bus-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "db").string();
  {
    auto db = store::Db::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::migrate(*db).ok());
  }
  EventBusConfig cfg;
  cfg.db_path = path;
  cfg.max_events = 300;
  EventBus bus(cfg);
  std::atomic<int64_t> stored{0};
  bus.addListener([&](const Event&) { ++stored; });
  ASSERT_TRUE(bus.start().ok());

  auto api = store::Db::open(path);
  ASSERT_TRUE(api.ok());
  ASSERT_TRUE(api->exec("CREATE TABLE api_writes (n INTEGER)").ok());

  std::atomic<bool> flooding{true};
  std::thread flood([&] {
    const auto until = std::chrono::steady_clock::now() + 20s;  // bounded either way
    while (flooding && std::chrono::steady_clock::now() < until) {
      bus.publish(Event{0, 0, "input.state", 1, 0, "flood", nlohmann::json::object()});
    }
  });
  // The flood is on once the log has stored a good many events.
  const auto t0 = std::chrono::steady_clock::now();
  while (stored < 2000 && std::chrono::steady_clock::now() - t0 < 10s) {
    std::this_thread::sleep_for(1ms);
  }
  std::vector<int64_t> waits_ms;
  int failed = 0;
  for (int n = 0; n < 40; ++n) {
    const auto start = std::chrono::steady_clock::now();
    auto tx = store::Tx::begin(*api);
    if (!tx || !api->exec("INSERT INTO api_writes VALUES (" + std::to_string(n) + ")").ok() ||
        !tx->commit().ok()) {
      ++failed;
      continue;
    }
    waits_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count());
  }
  const int64_t stored_during = stored;
  flooding = false;
  flood.join();
  bus.stop();
  std::filesystem::remove_all(dir);

  ASSERT_GE(stored_during, 2000) << "the flood never got going";
  EXPECT_EQ(failed, 0) << "writes timed out behind the event log";
  ASSERT_FALSE(waits_ms.empty());
  // Measured: 0-1 ms now; 631-2,741 ms before (one transaction per event, SQLite's backoff).
  EXPECT_LT(*std::max_element(waits_ms.begin(), waits_ms.end()), 300);
}

}  // namespace
}  // namespace srtgw::control
