// The seed gateway's README walkthrough, replayed unchanged against /api/v1, with a real
// ffmpeg publisher: the request bodies of the project srtgw grew from keep working.

#include <gtest/gtest.h>

#include "support/serve_process.hpp"
#include "support/udp_peers.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST(SeedWalkthrough, ListenerInputUdpOutputStatusAndStatsWithFfmpeg) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("state.db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  UdpSink sink;

  // 1. Create an SRT Listener Input (the seed's body; port 0 instead of 9000: tests never
  //    take fixed ports).
  auto in = gw.post("/api/v1/inputs", json::parse(R"({
      "type": "srt", "mode": "listener", "listen_port": 0, "latency_ms": 120,
      "name": "TV Channel 1"})"));
  ASSERT_EQ(in.status, 201) << in.body;
  EXPECT_EQ(in.headers["location"], "/api/v1/inputs/1");
  EXPECT_EQ(in.json()["id"], 1);
  EXPECT_EQ(in.json()["name"], "TV Channel 1");
  EXPECT_EQ(in.json()["state"], "listening");
  const int srt_port = in.json()["local_port"];
  ASSERT_GT(srt_port, 0);

  // 2. Create a UDP Output for the Input (the seed's body, numeric input_id).
  auto out = gw.post("/api/v1/outputs", json{{"type", "udp"},
                                             {"input_id", 1},
                                             {"destination_addr", "127.0.0.1:" + std::to_string(sink.port())},
                                             {"name", "TV Channel 1 Backup"}});
  ASSERT_EQ(out.status, 201) << out.body;
  EXPECT_EQ(out.json()["input_id"], 1);

  // 3. Check System Status.
  auto st = gw.get("/api/v1/status");
  ASSERT_EQ(st.status, 200);
  auto s = st.json();
  EXPECT_EQ(s["system"]["version"], "0.1.0");
  EXPECT_GT(s["system"]["memory_rss_bytes"], 0);
  EXPECT_GT(s["system"]["threads"], 1);
  ASSERT_EQ(s["inputs"].size(), 1u);
  EXPECT_EQ(s["inputs"][0]["outputs"].size(), 1u);

  // Seed routes for listing.
  EXPECT_EQ(gw.get("/api/v1/inputs").json()["total"], 1);
  EXPECT_EQ(gw.get("/api/v1/outputs").json()["items"][0]["name"], "TV Channel 1 Backup");
  EXPECT_EQ(gw.get("/api/v1/inputs/1/outputs").json()["total"], 1);

  // A real publisher: ffmpeg pushes H.264+AAC; the output gets every byte.
  ChildProcess ffmpeg({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                       "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine", "-t", "3",
                       "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-f", "mpegts",
                       "srt://127.0.0.1:" + std::to_string(srt_port) + "?pkt_size=1316&linger=5"},
                      dir.file("ffmpeg.out"), dir.file("ffmpeg.log"));
  ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json()["state"] == "connected"; }, 15s));
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() > 50'000; }, 15s));
  // Statistics are structured: numbers under names, SRT figures included.
  json stats;
  ASSERT_TRUE(waitUntil([&] {
    stats = gw.get("/api/v1/inputs/1/stats").json();
    return stats["packets"].get<int64_t>() > 0 && stats.contains("srt");
  }, 10s)) << stats.dump();
  EXPECT_EQ(stats["state"], "connected");
  EXPECT_GE(stats["srt"]["rtt_ms"].get<double>(), 0.0);
  EXPECT_GT(stats["srt"]["packets_received"].get<int64_t>(), 0);
  EXPECT_EQ(stats["srt"]["receive_latency_ms"], 120);
  auto ostats = gw.get("/api/v1/outputs/1/stats").json();
  EXPECT_GT(ostats["packets"].get<int64_t>(), 0);
  EXPECT_EQ(ostats["dropped"], 0);
  ASSERT_EQ(ffmpeg.wait(30s), 0) << ffmpeg.stderrText();
}

}  // namespace
}  // namespace srtgw::test
