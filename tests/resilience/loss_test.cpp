// SRT through srtgw-impair: srt-live-transmit (caller, sending) -> impair (loss, RTT/2 each
// way) -> srtgw relay (listener input) -> UDP. Byte-exact where SRT's retransmission has the
// time it needs; a sweep records the highest loss survived per latency.
#include <gtest/gtest.h>

#include "resilience/resilience_support.hpp"
#include "support/relay_process.hpp"
#include "support/udp_peers.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct LossOutcome {
  bool connected = false;
  size_t datagrams = 0;
  size_t missing = 0;
  bool exact = false;
  std::string log;
};

// One stream of `datagrams` numbered datagrams at 4 Mbps between a second of filler before
// and after, as inside a live stream that goes on: before, so that SRT has measured the RTT
// (it starts from 100 ms, and its periodic NAKs are paced on it); after, so that a loss at
// the very end is detected (SRT finds a gap only when a later packet arrives). Only the
// numbered part is compared.
LossOutcome runLoss(const std::string& tag, double loss_pct, int rtt_ms, int latency_ms,
                    size_t datagrams, int seed) {
  TempDir dir;
  LossOutcome o;
  o.datagrams = datagrams;
  UdpSink sink;
  const std::string lat = std::to_string(latency_ms);
  RelayProcess gw(dir, tag + "-gw",
                  {"srt://127.0.0.1:0?mode=listener&latency=" + lat, "udp://127.0.0.1:" + port(sink.port())});
  const int gw_port = gw.inputPort();
  ImpairProcess imp(dir, tag + "-imp", gw_port,
                    {"--loss", std::to_string(loss_pct), "--delay-ms", std::to_string(rtt_ms / 2.0),
                     "--seed", std::to_string(seed)});
  if (imp.port() == 0 || gw_port == 0) {
    o.log = "impair or gateway did not start: " + gw.log();
    return o;
  }
  const int udp_in = freeUdpPort();
  ChildProcess slt({"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in),
                    "srt://127.0.0.1:" + port(imp.port()) + "?latency=" + lat},
                   dir.file(tag + "-slt.out"), dir.file(tag + "-slt.err"));
  o.connected = !gw.waitFor([](const json& s) { return s["inputs"][0]["connects"].get<int>() >= 1; }, 30s)
                     .is_null();
  if (!o.connected) {
    o.log = "never connected: " + gw.log() + slt.stderrText();
    return o;
  }
  const std::string data = makeSequenceTs(7 * datagrams, static_cast<uint32_t>(seed));
  const std::string before = makeSequenceTs(7 * 400, static_cast<uint32_t>(seed) + 2000);
  const std::string after = makeSequenceTs(7 * 400, static_cast<uint32_t>(seed) + 1000);
  {
    UdpSource src("127.0.0.1", udp_in, before + data + after, 4.0);
    src.join();
  }
  // Everything still on its way arrives within the latency (plus the RTT and a loaded host).
  waitUntil([&] { return sink.bytes() >= before.size() + data.size() + after.size(); },
            std::chrono::milliseconds(latency_ms + rtt_ms + 3000));
  const std::string got = sink.data();
  const size_t at = got.find(data.substr(0, 1316));
  o.exact = at != std::string::npos && got.compare(at, data.size(), data) == 0;
  o.missing = o.exact ? 0 : missingDatagrams(data, got);
  recordResult({{"test", "loss"}, {"tag", tag}, {"loss_pct", loss_pct}, {"rtt_ms", rtt_ms},
                {"latency_ms", latency_ms}, {"datagrams", datagrams}, {"missing", o.missing},
                {"exact", o.exact}, {"seed", seed}});
  return o;
}

// The two points at RTT 20 ms: 6 RTTs of latency at 5 % loss, 25 at 10 %.
TEST(Loss, Rtt20msFivePercentAt120msLatencyIsByteExact) {
  auto o = runLoss("rtt20-l5-lat120", 5, 20, 120, 2000, 11);
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

TEST(Loss, Rtt20msTenPercentAt500msLatencyIsByteExact) {
  auto o = runLoss("rtt20-l10-lat500", 10, 20, 500, 2000, 12);
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

// At RTT 100 ms, 120 ms of latency leaves time for one retransmission only (the loss is
// seen after ~1 packet interval, the NAK and the repair take one RTT), so a packet whose NAK
// or repair is lost too is dropped: ~p*(2p) of them, measured 0.35-0.55 % at 5 %. Byte-exact
// delivery is not possible there; what must hold is that ARQ repairs most losses (without it
// 5 % would be missing). Byte-exact is asserted with the latency SRT's guidance gives for
// the loss (x6 RTT at 5 %, x8-10 at 10 %; docs/RELIABILITY.md).
TEST(Loss, Rtt100msFivePercentAt120msLatencyRepairsMostLosses) {
  auto o = runLoss("rtt100-l5-lat120", 5, 100, 120, 2000, 13);
  ASSERT_TRUE(o.connected) << o.log;
  // Measured 7-18 of 2000; without retransmission ~100 would be missing.
  EXPECT_LT(o.missing, o.datagrams * 3 / 100) << "retransmission repaired too little";
}

TEST(Loss, Rtt100msFivePercentAt600msLatencyIsByteExact) {
  auto o = runLoss("rtt100-l5-lat600", 5, 100, 600, 2000, 14);
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

TEST(Loss, Rtt100msTenPercentAt500msLatencyRepairsAlmostEverything) {
  auto o = runLoss("rtt100-l10-lat500", 10, 100, 500, 2000, 15);
  ASSERT_TRUE(o.connected) << o.log;
  // Measured 1-2 of 2000; without retransmission ~200 would be missing.
  EXPECT_LT(o.missing, o.datagrams / 100) << "more than 1 % lost";
}

TEST(Loss, Rtt100msTenPercentAt1000msLatencyIsByteExact) {
  auto o = runLoss("rtt100-l10-lat1000", 10, 100, 1000, 2000, 16);
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

// The highest random loss (both directions) a short stream (800 datagrams, ~2 s) crosses
// intact, per latency. Recorded, and bounded below by the figures.
void sweep(int rtt_ms, int latency_ms, double must_survive) {
  double survived = 0;
  for (double loss : {5.0, 10.0, 15.0, 20.0, 25.0, 30.0}) {
    auto o = runLoss("sweep-rtt" + std::to_string(rtt_ms) + "-lat" + std::to_string(latency_ms) + "-l" +
                         std::to_string(static_cast<int>(loss)),
                     loss, rtt_ms, latency_ms, 800, 100 + static_cast<int>(loss));
    if (!o.connected || !o.exact) {
      break;
    }
    survived = loss;
  }
  recordResult({{"test", "loss_sweep"}, {"rtt_ms", rtt_ms}, {"latency_ms", latency_ms},
                {"highest_loss_survived_pct", survived}});
  EXPECT_GE(survived, must_survive);
}

TEST(LossSweep, Rtt20msLatency120ms) { sweep(20, 120, 5); }
TEST(LossSweep, Rtt20msLatency500ms) { sweep(20, 500, 10); }
TEST(LossSweep, Rtt100msLatency1000ms) { sweep(100, 1000, 10); }

// Lost handshakes: a caller facing 30 % loss each way connects, every time. A short
// connect timeout (500 ms: two handshake retransmissions) makes single attempts fail often,
// so this holds only because srtgw redials.
TEST(LostHandshakes, ACallerFacingThirtyPercentLossConnectsEveryTime) {
  TempDir dir;
  struct Chain {
    std::unique_ptr<RelayProcess> far, near;
    std::unique_ptr<ImpairProcess> imp;
  };
  std::vector<Chain> chains;
  for (int seed = 1; seed <= 8; ++seed) {
    Chain c;
    const std::string tag = "hs" + std::to_string(seed);
    c.far = std::make_unique<RelayProcess>(dir, tag + "-far",
                                           std::vector<std::string>{"udp://127.0.0.1:0", "srt://127.0.0.1:0?mode=listener"});
    const int far_port = c.far->outputPort(0);
    ASSERT_NE(far_port, 0) << c.far->log();
    c.imp = std::make_unique<ImpairProcess>(dir, tag + "-imp", far_port,
                                            std::vector<std::string>{"--loss", "30", "--delay-ms", "10", "--seed",
                                                                     std::to_string(seed * 7919)});
    ASSERT_NE(c.imp->port(), 0);
    c.near = std::make_unique<RelayProcess>(
        dir, tag + "-near",
        std::vector<std::string>{"srt://127.0.0.1:" + port(c.imp->port()) + "?conntimeo=500&latency=1000",
                                 "udp://127.0.0.1:9"});
    chains.push_back(std::move(c));
  }
  int total_attempts = 0;
  for (size_t i = 0; i < chains.size(); ++i) {
    auto s = chains[i].near->waitFor([](const json& j) { return j["inputs"][0]["connects"].get<int>() >= 1; }, 60s);
    ASSERT_FALSE(s.is_null()) << "chain " << i << " never connected: " << chains[i].near->log();
    const int attempts = s["inputs"][0]["connect_attempts"].get<int>();
    total_attempts += attempts;
    recordResult({{"test", "lost_handshakes"}, {"chain", i}, {"connect_attempts", attempts}});
  }
  recordResult({{"test", "lost_handshakes"}, {"chains", chains.size()}, {"total_attempts", total_attempts}});
}

}  // namespace
}  // namespace srtgw::test
