// Changes under live traffic: an untouched output sees a continuous byte-exact stream while
// other outputs are added, changed and removed; changing an input keeps its outputs' clients.

#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/serve_process.hpp"
#include "support/udp_peers.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string udpDest(const UdpSink& s) { return "127.0.0.1:" + std::to_string(s.port()); }

TEST(LiveChanges, UntouchedOutputIsContinuousAcrossOutputChanges) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  UdpSink a, b, c, d;
  auto in = gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(in.status, 201) << in.body;
  const int in_port = in.json()["local_port"];
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1}, {"destination_addr", udpDest(a)}}).status, 201);
  auto ob = gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1}, {"destination_addr", udpDest(b)}});
  ASSERT_EQ(ob.status, 201);
  const int b_id = ob.json()["id"];

  const std::string data = makeSequenceTs(7 * 4000);
  UdpSource src("127.0.0.1", in_port, data, 10.0);
  ASSERT_TRUE(waitUntil([&] { return a.datagrams() > 500; }, 10s));
  // Change b: it moves to sink c (this output alone restarts).
  auto pb = gw.patch("/api/v1/outputs/" + std::to_string(b_id), json{{"destination_addr", udpDest(c)}, {"ttl", 4}});
  ASSERT_EQ(pb.status, 200) << pb.body;
  ASSERT_TRUE(waitUntil([&] { return c.datagrams() > 200; }, 10s));
  // Add d, rename the input (no restart), then delete b.
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1}, {"destination_addr", udpDest(d)}}).status, 201);
  ASSERT_EQ(gw.patch("/api/v1/inputs/1", json{{"name", "renamed while live"}}).status, 200);
  ASSERT_EQ(gw.del("/api/v1/outputs/" + std::to_string(b_id)).status, 204);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return a.bytes() >= data.size(); }, 10s)) << a.bytes();
  EXPECT_TRUE(a.data() == data) << "the untouched output lost or changed bytes";
  EXPECT_GT(b.bytes(), 0u);
  EXPECT_LT(b.bytes(), data.size());
  EXPECT_GT(d.bytes(), 0u);
  // What c and d got is a clean, contiguous part of the stream.
  for (const UdpSink* s : {&c, &d}) {
    const std::string got = s->data();
    EXPECT_NE(data.find(got), std::string::npos);
  }
  EXPECT_EQ(gw.get("/api/v1/inputs/1").json()["name"], "renamed while live");
  EXPECT_EQ(gw.get("/api/v1/outputs/" + std::to_string(b_id)).status, 404);
}

TEST(LiveChanges, ChangingAnInputKeepsItsListenerOutputClientConnected) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}}).status, 201);
  auto out = gw.post("/api/v1/outputs", json{{"type", "srt"}, {"mode", "listener"}, {"input_id", 1},
                                             {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(out.status, 201) << out.body;
  const int srt_port = out.json()["local_port"];
  UdpSink sink;
  ChildProcess slt({"srt-live-transmit", "-q", "srt://127.0.0.1:" + std::to_string(srt_port),
                    "udp://127.0.0.1:" + std::to_string(sink.port())},
                   dir.file("slt.out"), dir.file("slt.log"));
  ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/outputs/1").json()["connected_clients"] == 1; }, 15s));

  // Move the input to another address: the input restarts, the output and its client stay.
  auto put = gw.put("/api/v1/inputs/1", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.2"}});
  ASSERT_EQ(put.status, 200) << put.body;
  const int new_port = put.json()["local_port"];
  auto ostats = gw.get("/api/v1/outputs/1/stats").json();
  EXPECT_EQ(ostats["connected_clients"], 1);
  EXPECT_EQ(ostats["connects"], 1) << "the SRT client had to reconnect";

  const std::string data = makeSequenceTs(7 * 600);
  UdpSource src("127.0.0.2", new_port, data, 6.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
}

TEST(LiveChanges, StopStartAndDisableKeepTheStreamStored) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  auto in = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"listen_port", 0}, {"enabled", false}});
  ASSERT_EQ(in.status, 201) << in.body;
  EXPECT_EQ(in.json()["state"], "stopped");
  auto started = gw.request("POST", "/api/v1/inputs/1/start");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json()["state"], "listening");
  EXPECT_EQ(started.json()["enabled"], true);
  auto restarted = gw.request("POST", "/api/v1/inputs/1/restart");
  ASSERT_EQ(restarted.status, 200);
  EXPECT_EQ(restarted.json()["state"], "listening");
  auto stopped = gw.request("POST", "/api/v1/inputs/1/stop");
  ASSERT_EQ(stopped.status, 200);
  EXPECT_EQ(stopped.json()["state"], "stopped");
  EXPECT_EQ(stopped.json()["enabled"], false);
  EXPECT_EQ(gw.get("/api/v1/inputs").json()["total"], 1);
  EXPECT_EQ(gw.request("POST", "/api/v1/inputs/1/restart").status, 409);
}

// A bug found by the console's browser test: an SRT listener changed, restarted, or stopped
// and started again got 409 "address in use" from its own port, which libsrt still held for
// its closed listener (and our probe bind called it taken), and was left in `error`.
TEST(LiveChanges, AnSrtListenerChangedOrRestartedGetsItsOwnPortBackAtOnce) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  const int in_port = freeUdpPort();
  const int out_port = freeUdpPort();
  ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "listener"}, {"listen_port", in_port},
                                           {"bind_addr", "127.0.0.1"}}).status, 201);
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "srt"}, {"mode", "listener"}, {"input_id", 1},
                                            {"listen_port", out_port}, {"bind_addr", "127.0.0.1"}}).status, 201);
  for (int round = 0; round < 3; ++round) {
    auto in = gw.patch("/api/v1/inputs/1", json{{"latency_ms", 200 + 10 * round}});
    EXPECT_EQ(in.status, 200) << in.body;
    EXPECT_EQ(in.json()["state"], "listening");
    auto out = gw.patch("/api/v1/outputs/1", json{{"latency_ms", 200 + 10 * round}});
    EXPECT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(gw.request("POST", "/api/v1/inputs/1/restart").status, 200);
    EXPECT_EQ(gw.request("POST", "/api/v1/outputs/1/stop").status, 200);
    EXPECT_EQ(gw.request("POST", "/api/v1/outputs/1/start").status, 200);
  }
  EXPECT_EQ(gw.get("/api/v1/inputs/1").json()["state"], "listening");
  EXPECT_EQ(gw.get("/api/v1/outputs/1").json()["state"], "listening");
  // And the listeners still work: a publisher in, a receiver out.
  UdpSink sink;
  const int src = freeUdpPort();
  ChildProcess rx({"srt-live-transmit", "-q", "srt://127.0.0.1:" + std::to_string(out_port),
                   "udp://127.0.0.1:" + std::to_string(sink.port())},
                  dir.file("rx.out"), dir.file("rx.log"));
  ChildProcess tx({"srt-live-transmit", "-q", "udp://127.0.0.1:" + std::to_string(src),
                   "srt://127.0.0.1:" + std::to_string(in_port)},
                  dir.file("tx.out"), dir.file("tx.log"));
  ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json()["state"] == "connected"; }, 15s)) << gw.log();
  UdpSource source("127.0.0.1", src, makeSequenceTs(7 * 2000), 2.0);
  EXPECT_TRUE(waitUntil([&] { return sink.bytes() > 10000; }, 15s));
}

}  // namespace
}  // namespace srtgw::test
