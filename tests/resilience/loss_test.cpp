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

// Which side of the impaired link srtgw is on.
enum class Side {
  Receiving,  // srt-live-transmit (caller) -> impair -> srtgw listener input -> UDP
  Sending,    // UDP -> srtgw caller output -> impair -> srt-live-transmit listener -> UDP
};

struct LossLink {
  std::string tag;
  double loss_pct = 0;
  int rtt_ms = 0;
  int latency_ms = 0;
  size_t datagrams = 2000;
  int seed = 1;
  // srtgw's SRT packet filter (the peer has none and takes srtgw's through the handshake).
  std::string packetfilter;
  Side side = Side::Receiving;
};

LossLink link(std::string tag, double loss_pct, int rtt_ms, int latency_ms, int seed,
              std::string packetfilter = "", Side side = Side::Receiving) {
  LossLink l;
  l.tag = std::move(tag);
  l.loss_pct = loss_pct;
  l.rtt_ms = rtt_ms;
  l.latency_ms = latency_ms;
  l.seed = seed;
  l.packetfilter = std::move(packetfilter);
  l.side = side;
  return l;
}

// One stream of `datagrams` numbered datagrams at 4 Mbps between a second of filler before
// and after, as inside a live stream that goes on: before, so that SRT has measured the RTT
// (it starts from 100 ms, and its periodic NAKs are paced on it); after, so that a loss at
// the very end is detected (SRT finds a gap only when a later packet arrives). Only the
// numbered part is compared.
LossOutcome runLoss(const LossLink& l) {
  TempDir dir;
  LossOutcome o;
  o.datagrams = l.datagrams;
  UdpSink sink;
  const std::string srt_opts = "latency=" + std::to_string(l.latency_ms) +
                               (l.packetfilter.empty() ? "" : "&packetfilter=" + l.packetfilter);
  const std::vector<std::string> impair_args{"--loss", std::to_string(l.loss_pct), "--delay-ms",
                                             std::to_string(l.rtt_ms / 2.0), "--seed", std::to_string(l.seed)};
  std::unique_ptr<RelayProcess> gw;
  std::unique_ptr<ImpairProcess> imp;
  std::unique_ptr<ChildProcess> slt;
  int udp_in = 0;
  if (l.side == Side::Receiving) {
    gw = std::make_unique<RelayProcess>(
        dir, l.tag + "-gw",
        std::vector<std::string>{"srt://127.0.0.1:0?mode=listener&" + srt_opts, "udp://127.0.0.1:" + port(sink.port())});
    const int gw_port = gw->inputPort();
    imp = std::make_unique<ImpairProcess>(dir, l.tag + "-imp", gw_port, impair_args);
    if (imp->port() == 0 || gw_port == 0) {
      o.log = "impair or gateway did not start: " + gw->log();
      return o;
    }
    udp_in = freeUdpPort();
    slt = std::make_unique<ChildProcess>(
        std::vector<std::string>{"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in),
                                 "srt://127.0.0.1:" + port(imp->port()) + "?latency=" + std::to_string(l.latency_ms)},
        dir.file(l.tag + "-slt.out"), dir.file(l.tag + "-slt.err"));
  } else {
    const int slt_port = freeUdpPort();
    slt = std::make_unique<ChildProcess>(
        std::vector<std::string>{"srt-live-transmit", "-q",
                                 "srt://127.0.0.1:" + port(slt_port) + "?mode=listener&latency=" + std::to_string(l.latency_ms),
                                 "udp://127.0.0.1:" + port(sink.port())},
        dir.file(l.tag + "-slt.out"), dir.file(l.tag + "-slt.err"));
    imp = std::make_unique<ImpairProcess>(dir, l.tag + "-imp", slt_port, impair_args);
    if (imp->port() == 0) {
      o.log = "impair did not start";
      return o;
    }
    gw = std::make_unique<RelayProcess>(
        dir, l.tag + "-gw",
        std::vector<std::string>{"udp://127.0.0.1:0", "srt://127.0.0.1:" + port(imp->port()) + "?" + srt_opts});
    udp_in = gw->inputPort();
  }
  const auto connected = [&](const json& s) {
    const json& link = l.side == Side::Receiving ? s["inputs"][0] : s["inputs"][0]["outputs"][0];
    return link["connects"].get<int>() >= 1;
  };
  o.connected = udp_in != 0 && !gw->waitFor(connected, 30s).is_null();
  if (!o.connected) {
    o.log = "never connected: " + gw->log() + slt->stderrText();
    return o;
  }
  const auto seed = static_cast<uint32_t>(l.seed);
  const std::string data = makeSequenceTs(7 * l.datagrams, seed);
  const std::string before = makeSequenceTs(7 * 400, seed + 2000);
  const std::string after = makeSequenceTs(7 * 400, seed + 1000);
  {
    UdpSource src("127.0.0.1", udp_in, before + data + after, 4.0);
    src.join();
  }
  // Everything still on its way arrives within the latency (plus the RTT and a loaded host).
  waitUntil([&] { return sink.bytes() >= before.size() + data.size() + after.size(); },
            std::chrono::milliseconds(l.latency_ms + l.rtt_ms + 3000));
  const std::string got = sink.data();
  const size_t at = got.find(data.substr(0, 1316));
  o.exact = at != std::string::npos && got.compare(at, data.size(), data) == 0;
  o.missing = o.exact ? 0 : missingDatagrams(data, got);
  recordResult({{"test", "loss"}, {"tag", l.tag}, {"loss_pct", l.loss_pct}, {"rtt_ms", l.rtt_ms},
                {"latency_ms", l.latency_ms}, {"packetfilter", l.packetfilter},
                {"srtgw", l.side == Side::Receiving ? "receiving" : "sending"}, {"datagrams", l.datagrams},
                {"missing", o.missing}, {"exact", o.exact}, {"seed", l.seed}});
  return o;
}

// Row and column FEC over 4x4 packets (8 parity packets per 16) with ARQ for what it cannot rebuild.
// At 4 Mbps a group of 16 spans ~45 ms, so a rebuilt packet is there well within 120 ms.
const std::string kFec4x4 = "fec,cols:4,rows:4,arq:always";

// The two points at RTT 20 ms: 6 RTTs of latency at 5 % loss, 25 at 10 %. ARQ alone.
TEST(Loss, Rtt20msFivePercentAt120msLatencyIsByteExact) {
  auto o = runLoss(link("rtt20-l5-lat120", 5, 20, 120, 11));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

TEST(Loss, Rtt20msTenPercentAt500msLatencyIsByteExact) {
  auto o = runLoss(link("rtt20-l10-lat500", 10, 20, 500, 12));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

// At RTT 100 ms, 120 ms of latency leaves time for one retransmission only (the loss is
// seen after ~1 packet interval, the NAK and the repair take one RTT), so with ARQ alone a
// packet whose NAK or repair is lost too is dropped: ~p*(2p) of them, measured 0.35-0.9 % at
// 5 %. Recorded and bounded here (without ARQ 5 % would be missing); byte-exact needs FEC.
TEST(Loss, Rtt100msFivePercentAt120msLatencyArqAloneRepairsMostLosses) {
  auto o = runLoss(link("rtt100-l5-lat120-arq", 5, 100, 120, 13));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_LT(o.missing, o.datagrams * 3 / 100) << "retransmission repaired too little";
}

// FEC rebuilds most losses without a round trip; ARQ repairs the rest in the one RTT left.
// Nearly byte-exact: in about 1 run in 10 one datagram of 2,000 is still missing (a loss
// that neither its FEC groups nor the single retransmission repaired; 4 x 4 and 3 x 3 groups
// alike, RELIABILITY.md). ARQ alone misses 7-20 here, so the bound still needs the FEC.
TEST(Loss, Rtt100msFivePercentAt120msLatencyWithFecMissesAtMostOneReceiving) {
  auto o = runLoss(link("rtt100-l5-lat120-fec-rx", 5, 100, 120, 13, kFec4x4));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact || o.missing == 1u) << o.missing << " of " << o.datagrams << " datagrams missing";
}

TEST(Loss, Rtt100msFivePercentAt120msLatencyWithFecMissesAtMostOneSending) {
  auto o = runLoss(link("rtt100-l5-lat120-fec-tx", 5, 100, 120, 17, kFec4x4, Side::Sending));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact || o.missing == 1u) << o.missing << " of " << o.datagrams << " datagrams missing";
}

// 500 ms is 5 RTTs: ARQ alone has 4 tries (the sender retransmits a packet at most once per
// RTT), so a packet is lost only if all fail, ~(2p)^4 at 10 %: 0-2 of 2000 were measured on
// a host at load 40, none on a quiet one. Recorded and bounded; with FEC it is byte-exact.
TEST(Loss, Rtt100msTenPercentAt500msLatencyArqAloneRepairsAlmostEverything) {
  auto o = runLoss(link("rtt100-l10-lat500-arq", 10, 100, 500, 15));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_LT(o.missing, o.datagrams / 100) << "more than 1 % lost";
}

TEST(Loss, Rtt100msTenPercentAt500msLatencyWithFecIsByteExact) {
  auto o = runLoss(link("rtt100-l10-lat500-fec", 10, 100, 500, 15, kFec4x4));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

TEST(Loss, Rtt100msTenPercentAt1000msLatencyIsByteExact) {
  auto o = runLoss(link("rtt100-l10-lat1000", 10, 100, 1000, 16));
  ASSERT_TRUE(o.connected) << o.log;
  EXPECT_TRUE(o.exact) << o.missing << " of " << o.datagrams << " datagrams missing";
}

// The highest random loss (both directions) a short stream (800 datagrams, ~2 s) crosses
// intact (or with at most `tolerated` datagrams missing), per latency. Recorded, and
// bounded below by the figures.
void sweep(int rtt_ms, int latency_ms, double must_survive, const std::string& packetfilter = "",
           size_t tolerated = 0) {
  double survived = 0;
  for (double loss : {5.0, 10.0, 15.0, 20.0, 25.0, 30.0}) {
    LossLink l = link("sweep-rtt" + std::to_string(rtt_ms) + "-lat" + std::to_string(latency_ms) +
                          (packetfilter.empty() ? "" : "-fec") + "-l" + std::to_string(static_cast<int>(loss)),
                      loss, rtt_ms, latency_ms, 100 + static_cast<int>(loss), packetfilter);
    l.datagrams = 800;
    auto o = runLoss(l);
    if (!o.connected || (!o.exact && o.missing > tolerated)) {
      break;
    }
    survived = loss;
  }
  recordResult({{"test", "loss_sweep"}, {"rtt_ms", rtt_ms}, {"latency_ms", latency_ms},
                {"packetfilter", packetfilter}, {"tolerated_missing", tolerated},
                {"highest_loss_survived_pct", survived}});
  EXPECT_GE(survived, must_survive);
}

TEST(LossSweep, Rtt20msLatency120ms) { sweep(20, 120, 5); }
TEST(LossSweep, Rtt20msLatency500ms) { sweep(20, 500, 10); }
TEST(LossSweep, Rtt100msLatency1000ms) { sweep(100, 1000, 10); }
// One retransmission's time: see Rtt100msFivePercentAt120msLatencyWithFecMissesAtMostOne*.
TEST(LossSweep, Rtt100msLatency120msWithFec) { sweep(100, 120, 5, kFec4x4, 1); }

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
