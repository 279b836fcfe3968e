// srtgw killed with SIGKILL while 50 streams run: on restart every one is restored from
// SQLite and carries data again within 3 s. Half are UDP inputs fed by local sources, half
// SRT caller inputs pulling from a listener output of another srtgw (whose ghost clients
// from the killed gateway must not get in the way).
#include <gtest/gtest.h>

#include <csignal>

#include "resilience/resilience_support.hpp"
#include "support/relay_process.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// Inputs with packets, and outputs with packets, out of the status document.
std::pair<int, int> flowing(ServeProcess& gw, int* inputs_total) {
  auto s = gw.get("/api/v1/status").json();
  int ins = 0;
  int outs = 0;
  if (!s.is_object() || !s.contains("inputs")) {
    return {0, 0};
  }
  *inputs_total = static_cast<int>(s["inputs"].size());
  for (const auto& in : s["inputs"]) {
    ins += in.value("packets", int64_t{0}) > 0 ? 1 : 0;
    for (const auto& o : in["outputs"]) {
      outs += o.value("packets", int64_t{0}) > 0 ? 1 : 0;
    }
  }
  return {ins, outs};
}

TEST(GatewayKilled, FiftyStreamsAreRestoredAndFlowWithinThreeSeconds) {
  constexpr int kUdp = 25;
  constexpr int kSrt = 25;
  TempDir dir;
  SequenceSink discard(0, false);
  RelayProcess far(dir, "far", {"udp://127.0.0.1:0", "srt://127.0.0.1:0?mode=listener"});
  const int far_in = far.inputPort();
  const int far_out = far.outputPort(0);
  ASSERT_NE(far_out, 0) << far.log();
  SequenceSource far_src(far_in, 2.0, 5);
  std::vector<std::unique_ptr<SequenceSource>> sources;
  const std::vector<std::string> fast_stats{"--stats-interval-ms", "100"};

  auto gw = std::make_unique<ServeProcess>(dir, "gw1", dir.file("db"), fast_stats);
  ASSERT_NE(gw->port(), 0) << gw->log();
  for (int i = 0; i < kUdp + kSrt; ++i) {
    json in;
    if (i < kUdp) {
      const int p = freeUdpPort();
      in = {{"type", "udp"}, {"listen_port", p}, {"bind_addr", "127.0.0.1"}};
      sources.push_back(std::make_unique<SequenceSource>(p, 0.3, static_cast<uint32_t>(i)));
    } else {
      in = {{"type", "srt"}, {"mode", "caller"}, {"target_addr", "127.0.0.1:" + port(far_out)}};
    }
    auto r = gw->post("/api/v1/inputs", in);
    ASSERT_EQ(r.status, 201) << r.body;
    auto o = gw->post("/api/v1/outputs", {{"type", "udp"}, {"input_id", r.json()["id"]},
                                          {"destination_addr", "127.0.0.1:" + port(discard.port())}});
    ASSERT_EQ(o.status, 201) << o.body;
  }
  int total = 0;
  ASSERT_TRUE(waitUntil([&] { return flowing(*gw, &total) == std::pair{50, 50}; }, 30s))
      << "before the kill: " << flowing(*gw, &total).first;

  gw->process().stop(SIGKILL);
  const auto t0 = std::chrono::steady_clock::now();
  gw = std::make_unique<ServeProcess>(dir, "gw2", dir.file("db"), fast_stats);
  ASSERT_NE(gw->port(), 0) << gw->log();
  std::pair<int, int> f;
  const bool all = waitUntil([&] { return (f = flowing(*gw, &total)) == std::pair{50, 50}; }, 20s);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  recordResult({{"test", "gateway_kill"}, {"streams", 50}, {"restored_inputs", total},
                {"all_flowing_after_ms", all ? ms : -1}, {"flowing_inputs", f.first}, {"flowing_outputs", f.second}});
  EXPECT_EQ(total, 50);
  ASSERT_TRUE(all) << f.first << " inputs and " << f.second << " outputs flowing; status: "
                   << gw->get("/api/v1/status").body.substr(0, 2000);
  EXPECT_LE(ms, 3000) << "from the restart to data on all 50 streams";
}

}  // namespace
}  // namespace srtgw::test
