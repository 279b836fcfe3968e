// Observability against the real binary: a promtool-clean /metrics scrape with traffic
// flowing, the event log (filters, bounded), and the WebSocket feed (events within 1 s,
// statistics per interval, subscriptions, slow clients dropped without hurting others).

#include <gtest/gtest.h>

#include "support/serve_process.hpp"
#include "support/udp_peers.hpp"
#include "support/ws_client.hpp"

#include <set>

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string port(int p) { return std::to_string(p); }

TEST(Observability, PromtoolAcceptsALiveScrapeWithTraffic) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  const std::string secret = "metrics-canary-secret";
  auto in = gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"},
                                           {"name", "feed \"A\"\\1"}});
  ASSERT_EQ(in.status, 201);
  auto out = gw.post("/api/v1/outputs", json{{"type", "srt"}, {"input_id", 1}, {"listen_port", 0},
                                             {"bind_addr", "127.0.0.1"}, {"passphrase", secret}});
  ASSERT_EQ(out.status, 201);
  UdpSink sink;
  ChildProcess slt({"srt-live-transmit", "-q",
                    "srt://127.0.0.1:" + port(out.json()["local_port"]) + "?passphrase=" + secret,
                    "udp://127.0.0.1:" + port(sink.port())},
                   dir.file("slt.out"), dir.file("slt.log"));
  ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/outputs/1").json()["connected_clients"] == 1; }, 15s));
  UdpSource src("127.0.0.1", in.json()["local_port"], makeSequenceTs(7 * 1500), 8.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= 7 * 1500 * 188; }, 15s));
  std::string scrape;
  ASSERT_TRUE(waitUntil([&] {
    scrape = gw.get("/metrics").body;
    return scrape.find("srtgw_srt_rtt_seconds{kind=\"output\"") != std::string::npos &&
           scrape.find(R"(srtgw_stream_packets_total{kind="input",id="1",name="feed \"A\"\\1"} 1500)") !=
               std::string::npos;
  }, 10s)) << scrape.substr(0, 3000);
  writeFile(dir.file("scrape.txt"), scrape);
  ChildProcess lint({"sh", "-c", "promtool check metrics < " + dir.file("scrape.txt")},
                    dir.file("lint.out"), dir.file("lint.err"));
  EXPECT_EQ(lint.wait(30s), 0) << lint.stdoutText() << lint.stderrText();
  EXPECT_EQ(lint.stdoutText() + lint.stderrText(), "") << "promtool found problems";
  EXPECT_NE(scrape.find("srtgw_build_info{version=\"0.1.0\",libsrt_version=\"1.5.1\"} 1"), std::string::npos);
  EXPECT_NE(scrape.find(R"(srtgw_stream_connected_clients{kind="output",id="1")"), std::string::npos);
  EXPECT_NE(scrape.find(R"(state="connected"} 1)"), std::string::npos);
  EXPECT_EQ(scrape.find(secret), std::string::npos) << "a secret reached a metric";
}

TEST(Observability, EventLogFiltersAndStaysBounded) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {"--max-events", "40"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "caller"}, {"target_addr", "127.0.0.1:9"},
                                             {"enabled", false}, {"name", "s" + std::to_string(i)}}).status, 201);
  }
  ASSERT_EQ(gw.patch("/api/v1/inputs/7", json{{"name", "renamed"}}).status, 200);
  json all;
  ASSERT_TRUE(waitUntil([&] {
    all = gw.get("/api/v1/events?per_page=1000").json();
    return !all["items"].empty() && all["items"][0]["type"] == "config.changed";
  }, 10s)) << all.dump();
  EXPECT_LE(all["total"].get<int>(), 40) << "the log must stay bounded";
  EXPECT_EQ(all["items"].size(), all["total"].get<size_t>());
  // Newest first, ids without gaps: the oldest went first.
  for (size_t i = 1; i < all["items"].size(); ++i) {
    EXPECT_EQ(all["items"][i - 1]["id"].get<int64_t>(), all["items"][i]["id"].get<int64_t>() + 1);
  }
  auto changed = gw.get("/api/v1/events?type=config.changed").json();
  ASSERT_EQ(changed["total"], 1);
  EXPECT_EQ(changed["items"][0]["input_id"], 7);
  EXPECT_EQ(changed["items"][0]["data"]["name"], "renamed");
  auto prefix = gw.get("/api/v1/events?type=config.&input=29").json();
  ASSERT_EQ(prefix["total"], 1);
  EXPECT_EQ(prefix["items"][0]["type"], "config.created");
  auto page = gw.get("/api/v1/events?per_page=5&page=2").json();
  EXPECT_EQ(page["items"].size(), 5u);
  EXPECT_EQ(page["items"][0]["id"], all["items"][5]["id"]);
  const int64_t future = all["items"][0]["time_ms"].get<int64_t>() + 3600000;
  EXPECT_EQ(gw.get("/api/v1/events?since=" + std::to_string(future)).json()["total"], 0);
  EXPECT_EQ(gw.get("/api/v1/events?input=x").status, 400);
  EXPECT_EQ(gw.get("/api/v1/events?type=DROP%20TABLE").status, 400);
}

TEST(Observability, WebSocketSeesAConnectionWithinOneSecondAndStatsEveryInterval) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {"--stats-interval-ms", "200"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  EXPECT_EQ(gw.get("/api/v1/ws").status, 426);
  WsTestClient ws(gw.port(), "/api/v1/ws", 0, gw.auth());
  ASSERT_TRUE(ws.connected()) << ws.status();
  auto in = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(in.status, 201);
  const int udp_in = freeUdpPort();
  const auto t0 = std::chrono::steady_clock::now();
  ChildProcess publisher({"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in),
                          "srt://127.0.0.1:" + port(in.json()["local_port"])},
                         dir.file("pub.out"), dir.file("pub.log"));
  bool seen = false;
  std::set<std::string> types;
  while (!seen && std::chrono::steady_clock::now() - t0 < 5s) {
    auto msg = ws.next(1s);
    if (!msg) continue;
    auto j = json::parse(*msg);
    if (j["type"] == "event") {
      types.insert(j["event"]["type"]);
      seen = j["event"]["type"] == "input.state" && j["event"]["data"]["state"] == "connected";
    }
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  ASSERT_TRUE(seen) << "no connected event; saw " << json(types).dump();
  EXPECT_LT(elapsed.count(), 1000) << "from starting the SRT caller to the event";
  EXPECT_TRUE(types.count("config.created"));

  // Statistics arrive per interval; a subscription narrows them.
  ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}}).status, 201);
  auto statsWith = [&](size_t want) {
    for (int i = 0; i < 20; ++i) {
      auto msg = ws.next(2s);
      if (!msg) continue;
      auto j = json::parse(*msg);
      if (j["type"] == "stats" && j["streams"].size() == want) return j;
    }
    return json();
  };
  auto both = statsWith(2);
  ASSERT_FALSE(both.is_null());
  EXPECT_EQ(both["streams"][0]["kind"], "input");
  ASSERT_TRUE(ws.sendText(R"({"subscribe":["input:2"]})"));
  auto one = statsWith(1);
  ASSERT_FALSE(one.is_null());
  EXPECT_EQ(one["streams"][0]["id"], 2);
  ASSERT_TRUE(ws.sendText("nonsense"));
  bool told = false;
  for (int i = 0; i < 20 && !told; ++i) {
    auto msg = ws.next(1s);
    told = msg && json::parse(*msg)["type"] == "error";
  }
  EXPECT_TRUE(told) << "a bad client message gets an error message back";
}

TEST(Observability, ASlowWebSocketClientIsDroppedAndOthersCarryOn) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {"--stats-interval-ms", "100"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  // Many streams make every statistics message large.
  for (int i = 0; i < 150; ++i) {
    ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"},
                                             {"name", std::string(100, 'n') + std::to_string(i)}}).status, 201);
  }
  WsTestClient slow(gw.port(), "/api/v1/ws", 4096, gw.auth());  // never reads
  WsTestClient fast(gw.port(), "/api/v1/ws", 0, gw.auth());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(fast.connected());
  auto dropped = [&] {
    auto m = gw.get("/metrics").body;
    return m.find("srtgw_feed_dropped_clients_total 1\n") != std::string::npos;
  };
  bool gone = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  auto next_check = std::chrono::steady_clock::now();
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    (void)fast.next(100ms);  // the fast client keeps reading
    if (std::chrono::steady_clock::now() >= next_check) {
      gone = dropped();
      next_check = std::chrono::steady_clock::now() + 500ms;
    }
  }
  ASSERT_TRUE(gone) << "the slow client was never dropped";
  // The fast client still gets statistics.
  bool got = false;
  for (int i = 0; i < 20 && !got; ++i) {
    auto msg = fast.next(1s);
    got = msg && json::parse(*msg)["type"] == "stats";
  }
  EXPECT_TRUE(got);
  auto status = gw.get("/api/v1/status").json();
  EXPECT_LT(status["system"]["memory_rss_bytes"].get<int64_t>(), 256ll << 20);
  // The slow one finds its connection closed once it reads what was already sent.
  while (slow.next(2s)) {
  }
  EXPECT_TRUE(slow.closedByServer());
}

}  // namespace
}  // namespace srtgw::test
