// Intent survives: a clean restart restores every stream; kill -9 in the middle of a burst of
// writes loses no acknowledged change and leaves the database intact; a port taken while
// srtgw was down shows as an error and is retried.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "support/serve_process.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST(Persistence, CleanRestartRestoresEveryStream) {
  TempDir dir;
  const std::string db = dir.file("state.db");
  json before;
  {
    ServeProcess gw(dir, "gw1", db);
    ASSERT_NE(gw.port(), 0) << gw.log();
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "srt"}, {"listen_port", 0}, {"name", "a"},
                                             {"passphrase", "restart-secret-123"}, {"pbkeylen", 24}}).status, 201);
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"name", "b"}}).status, 201);
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "caller"}, {"target_addr", "127.0.0.1:9"},
                                             {"name", "c"}, {"enabled", false}}).status, 201);
    ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 2}, {"destination_addr", "127.0.0.1:9"},
                                              {"ttl", 7}}).status, 201);
    ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "srt"}, {"input_id", 1}, {"listen_port", 0},
                                              {"max_clients", 3}, {"latency_ms", 400}}).status, 201);
    before = gw.get("/api/v1/status").json();
    EXPECT_EQ(gw.process().stop(SIGTERM, 10s), 0);
  }
  ServeProcess gw(dir, "gw2", db);
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto after = gw.get("/api/v1/status").json();
  ASSERT_EQ(after["inputs"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto& b = before["inputs"][i];
    const auto& a = after["inputs"][i];
    for (const char* k : {"id", "name", "type", "enabled", "passphrase_set", "listen_port", "target_addr"}) {
      EXPECT_EQ(a.value(k, json()), b.value(k, json())) << i << " " << k;
    }
    EXPECT_EQ(a["outputs"].size(), b["outputs"].size());
  }
  EXPECT_EQ(after["inputs"][0]["state"], "listening");
  EXPECT_EQ(after["inputs"][0]["passphrase_set"], true);
  EXPECT_EQ(after["inputs"][2]["state"], "stopped");
  EXPECT_EQ(after["inputs"][0]["outputs"][0]["max_clients"], 3);
  EXPECT_EQ(after["inputs"][0]["outputs"][0]["state"], "listening");
  EXPECT_EQ(after["inputs"][1]["outputs"][0]["ttl"], 7);
}

TEST(Persistence, KillNineDuringABurstLosesNoAcknowledgedChange) {
  TempDir dir;
  const std::string db = dir.file("state.db");
  std::map<int64_t, std::string> acked;   // id -> last acknowledged name
  std::map<int64_t, std::string> pending; // id -> name of a write whose answer never came
  std::set<int64_t> deleted;
  std::set<int64_t> pending_delete;  // a delete whose answer never came
  std::atomic<size_t> acked_count{0};
  {
    ServeProcess gw(dir, "gw1", db);
    ASSERT_NE(gw.port(), 0) << gw.log();
    std::atomic<bool> killed{false};
    std::thread killer([&] {
      waitUntil([&] { return acked_count.load() >= 25; }, 30s);
      gw.process().signal(SIGKILL);
      killed = true;
    });
    for (int i = 0; i < 2000 && !killed; ++i) {
      const std::string name = "stream-" + std::to_string(i);
      if (i % 3 == 2 && !acked.empty()) {
        // Rename an existing stream.
        auto it = std::next(acked.begin(), i % acked.size());
        const int64_t id = it->first;
        pending[id] = name;
        auto r = gw.patch("/api/v1/inputs/" + std::to_string(id), json{{"name", name}});
        if (r.status == 200) {
          acked[id] = name;
          pending.erase(id);
        }
      } else if (i % 7 == 6 && acked.size() > 3) {
        const int64_t id = acked.begin()->first;
        pending_delete.insert(id);
        auto r = gw.del("/api/v1/inputs/" + std::to_string(id));
        if (r.status == 204) {
          acked.erase(id);
          deleted.insert(id);
          pending_delete.erase(id);
        }
      } else {
        auto r = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "caller"},
                                                {"target_addr", "127.0.0.1:9"}, {"name", name},
                                                {"enabled", false}});
        if (r.status == 201) {
          acked[r.json()["id"].get<int64_t>()] = name;
        }
      }
      acked_count = acked.size();
    }
    killer.join();
    gw.process().wait(10s);
  }
  ASSERT_GE(acked.size(), 10u);
  // The database file is intact.
  ChildProcess check({"sqlite3", db, "PRAGMA integrity_check;"}, dir.file("check.out"), dir.file("check.err"));
  ASSERT_EQ(check.wait(30s), 0) << check.stderrText();
  EXPECT_EQ(check.stdoutText(), "ok\n");

  ServeProcess gw(dir, "gw2", db);
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto list = gw.get("/api/v1/inputs?per_page=1000").json();
  std::map<int64_t, std::string> found;
  for (const auto& item : list["items"]) {
    found[item["id"].get<int64_t>()] = item["name"];
  }
  for (const auto& [id, name] : acked) {
    if (pending_delete.count(id) != 0 && found.count(id) == 0) {
      continue;  // its delete was in flight at the kill: either outcome is right
    }
    ASSERT_EQ(found.count(id), 1u) << "acknowledged input " << id << " is gone";
    const bool ok = found[id] == name || (pending.count(id) != 0 && found[id] == pending[id]);
    EXPECT_TRUE(ok) << id << ": " << found[id] << " vs acknowledged " << name;
  }
  for (int64_t id : deleted) {
    EXPECT_EQ(found.count(id), 0u) << "acknowledged delete of " << id << " was undone";
  }
}

// Holds a UDP port the way another program would (close-on-exec: the srtgw we start must
// not inherit it).
class PortHolder {
 public:
  explicit PortHolder(int port) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~PortHolder() { release(); }
  bool bound() const { return bound_; }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

TEST(Persistence, PortTakenByAnotherProcessIsAClearErrorAndNothingIsStored) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  const int port = freeUdpPort("0.0.0.0");
  PortHolder holder(port);
  ASSERT_TRUE(holder.bound());
  for (const char* type : {"udp", "srt"}) {
    auto r = gw.post("/api/v1/inputs", json{{"type", type}, {"listen_port", port}});
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("in use"), std::string::npos) << r.body;
  }
  EXPECT_EQ(gw.get("/api/v1/inputs").json()["total"], 0);
}

TEST(Persistence, RestoreOnATakenPortShowsErrorThenRetries) {
  TempDir dir;
  const std::string db = dir.file("state.db");
  const int port = freeUdpPort("0.0.0.0");
  {
    ServeProcess gw(dir, "gw1", db);
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", port}}).status, 201);
    EXPECT_EQ(gw.process().stop(SIGTERM, 10s), 0);
  }
  PortHolder holder(port);
  ASSERT_TRUE(holder.bound());
  ServeProcess gw(dir, "gw2", db);
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto in = gw.get("/api/v1/inputs/1").json();
  EXPECT_EQ(in["state"], "error");
  EXPECT_NE(in.value("error_message", "").find("in use"), std::string::npos) << in.dump();
  holder.release();
  EXPECT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json()["state"] == "listening"; }, 15s))
      << gw.get("/api/v1/inputs/1").body;
}

}  // namespace
}  // namespace srtgw::test

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST(Persistence, AStoredConfigurationThatNoLongerValidatesIsNeverStartedUntilReplaced) {
  TempDir dir;
  const std::string db = dir.file("state.db");
  {
    ServeProcess gw(dir, "gw1", db);
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}}).status, 201);
    ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1}, {"destination_addr", "127.0.0.1:9"}}).status, 201);
    EXPECT_EQ(gw.process().stop(SIGTERM, 10s), 0);
  }
  // What an older or hand-edited database may hold.
  ChildProcess edit({"sqlite3", db, R"(UPDATE inputs SET config='{"type":"udp","listen_port":"nine"}' WHERE id=1;)"},
                    dir.file("edit.out"), dir.file("edit.err"));
  ASSERT_EQ(edit.wait(30s), 0) << edit.stderrText();

  ServeProcess gw(dir, "gw2", db);
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto in = gw.get("/api/v1/inputs/1").json();
  EXPECT_EQ(in["state"], "error");
  EXPECT_NE(in.value("error_message", "").find("no longer valid"), std::string::npos) << in.dump();
  // Let at least one retry cycle (every 2 s) pass, as the server itself measures time.
  ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/status").json()["system"]["uptime_ms"].get<int64_t>() > 4500; }, 15s));
  in = gw.get("/api/v1/inputs/1").json();
  EXPECT_EQ(in["state"], "error") << "an invalid stored input was started: " << in.dump();
  EXPECT_EQ(gw.get("/api/v1/outputs/1").json()["state"], "stopped");
  EXPECT_EQ(gw.request("POST", "/api/v1/inputs/1/restart").status, 409);
  // A valid replacement brings it back, with its output.
  auto put = gw.put("/api/v1/inputs/1", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["state"], "listening");
  EXPECT_FALSE(put.json().contains("error_message"));
  EXPECT_EQ(gw.get("/api/v1/outputs/1").json()["state"], "connected");
}

}  // namespace
}  // namespace srtgw::test
