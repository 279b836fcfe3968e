// A peer killed with SIGKILL (no shutdown message: libsrt would notice only at its 5 s peer
// idle timeout) and restarted: srtgw must report the stream `stalled` within 2 s of the
// death and carry data again within 2 s of the peer's return. srt-live-transmit is the peer;
// the stall time is read from srtgw's own event (its time_ms), the flow from a UDP sink.
#include <gtest/gtest.h>

#include <csignal>

#include "resilience/resilience_support.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct Gateway {
  TempDir dir;
  ServeProcess gw{dir, "gw", dir.file("db")};

  int64_t create(const std::string& path, const json& body) {
    auto r = gw.post(path, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", int64_t{0});
  }
};

struct KillOutcome {
  int64_t stalled_after_ms = -1;  // death -> srtgw's stalled event
  int64_t flowing_after_ms = -1;  // peer restarted -> data at the sink again
};

// Kills the peer, waits for srtgw's stalled event, restarts the peer, waits for data.
KillOutcome killAndRestart(Gateway& g, const std::string& event_type, int64_t id,
                           std::unique_ptr<ChildProcess>& peer,
                           const std::function<std::unique_ptr<ChildProcess>()>& start_peer,
                           SequenceSink& sink) {
  KillOutcome o;
  const int64_t death = nowMs();
  peer->stop(SIGKILL);
  json ev;
  waitUntil([&] { return !(ev = findStateEvent(g.gw, event_type, id, "stalled", death)).is_null(); }, 10s);
  if (ev.is_null()) {
    return o;
  }
  o.stalled_after_ms = ev["time_ms"].get<int64_t>() - death;
  const auto back = std::chrono::steady_clock::now();
  const uint64_t before = sink.received();
  peer = start_peer();
  if (waitUntil([&] { return sink.received() >= before + 20; }, 15s)) {
    o.flowing_after_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - back).count();
  }
  return o;
}

void check(const std::string& what, const KillOutcome& o, ServeProcess& gw) {
  recordResult({{"test", "peer_kill"}, {"stream", what}, {"stalled_after_ms", o.stalled_after_ms},
                {"flowing_after_ms", o.flowing_after_ms}});
  ASSERT_GE(o.stalled_after_ms, 0) << what << ": never reported stalled\n"
                                   << gw.get("/api/v1/events?per_page=50").body;
  EXPECT_LE(o.stalled_after_ms, 2000) << what;
  ASSERT_GE(o.flowing_after_ms, 0) << what << ": no data after the peer came back\n"
                                   << gw.get("/api/v1/events?per_page=50").body;
  EXPECT_LE(o.flowing_after_ms, 2000) << what;
}

TEST(PeerKilled, CallerInputIsStalledAndPullsAgainFromTheRestartedListener) {
  Gateway g;
  ASSERT_NE(g.gw.port(), 0) << g.gw.log();
  const int udp_in = freeUdpPort();
  const int srt_port = freeUdpPort();
  SequenceSink sink;
  SequenceSource src(udp_in, 2.0);
  int n = 0;
  auto start_peer = [&] {
    const std::string tag = "slt" + std::to_string(++n);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in), "srt://:" + port(srt_port)},
        g.dir.file(tag + ".out"), g.dir.file(tag + ".err"));
  };
  auto peer = start_peer();
  const int64_t in = g.create("/api/v1/inputs", {{"type", "srt"}, {"mode", "caller"},
                                                 {"target_addr", "127.0.0.1:" + port(srt_port)}});
  g.create("/api/v1/outputs", {{"type", "udp"}, {"input_id", in}, {"destination_addr", "127.0.0.1:" + port(sink.port())}});
  ASSERT_TRUE(waitUntil([&] { return sink.received() > 50; }, 20s)) << g.gw.log();
  check("caller input", killAndRestart(g, "input.state", in, peer, start_peer, sink), g.gw);
}

TEST(PeerKilled, CallerOutputIsStalledAndPushesAgainToTheRestartedListener) {
  Gateway g;
  ASSERT_NE(g.gw.port(), 0) << g.gw.log();
  const int srt_port = freeUdpPort();
  SequenceSink sink;
  int n = 0;
  auto start_peer = [&] {
    const std::string tag = "slt" + std::to_string(++n);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"srt-live-transmit", "-q", "srt://:" + port(srt_port), "udp://127.0.0.1:" + port(sink.port())},
        g.dir.file(tag + ".out"), g.dir.file(tag + ".err"));
  };
  auto peer = start_peer();
  auto in = g.gw.post("/api/v1/inputs", {{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(in.status, 201) << in.body;
  const int64_t in_id = in.json()["id"];
  SequenceSource src(in.json()["local_port"].get<int>(), 2.0);
  const int64_t out = g.create("/api/v1/outputs", {{"type", "srt"}, {"mode", "caller"}, {"input_id", in_id},
                                                   {"target_addr", "127.0.0.1:" + port(srt_port)}});
  ASSERT_TRUE(waitUntil([&] { return sink.received() > 50; }, 20s)) << g.gw.log();
  check("caller output", killAndRestart(g, "output.state", out, peer, start_peer, sink), g.gw);
}

TEST(PeerKilled, ListenerOutputIsStalledAndServesTheRestartedCaller) {
  Gateway g;
  ASSERT_NE(g.gw.port(), 0) << g.gw.log();
  SequenceSink sink;
  auto in = g.gw.post("/api/v1/inputs", {{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(in.status, 201) << in.body;
  SequenceSource src(in.json()["local_port"].get<int>(), 2.0);
  auto out = g.gw.post("/api/v1/outputs", {{"type", "srt"}, {"mode", "listener"}, {"input_id", in.json()["id"]},
                                           {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(out.status, 201) << out.body;
  const int srt_port = out.json()["local_port"];
  int n = 0;
  auto start_peer = [&] {
    const std::string tag = "slt" + std::to_string(++n);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"srt-live-transmit", "-q", "srt://127.0.0.1:" + port(srt_port),
                                 "udp://127.0.0.1:" + port(sink.port())},
        g.dir.file(tag + ".out"), g.dir.file(tag + ".err"));
  };
  auto peer = start_peer();
  ASSERT_TRUE(waitUntil([&] { return sink.received() > 50; }, 20s)) << g.gw.log();
  check("listener output", killAndRestart(g, "output.state", out.json()["id"], peer, start_peer, sink), g.gw);
}

}  // namespace
}  // namespace srtgw::test
