// srtgw relay against real SRT peers on loopback: ffmpeg and srt-live-transmit.
// Every comparison is byte for byte against what the source sent.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "support/process.hpp"
#include "support/relay_process.hpp"
#include "support/udp_peers.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string port(int p) { return std::to_string(p); }

const json& input0(const json& s) { return s["inputs"][0]; }
const json& output0(const json& s) { return s["inputs"][0]["outputs"][0]; }

// srt-live-transmit as a receiving caller, forwarding what it gets to a UDP sink of ours
// (its file://con output is block-buffered, so a file would lag behind).
ChildProcess sltReceiver(const TempDir& dir, const std::string& tag, const std::string& url,
                         const UdpSink& sink) {
  return ChildProcess({"srt-live-transmit", "-q", url, "udp://127.0.0.1:" + port(sink.port())},
                      dir.file(tag + ".out"), dir.file(tag + ".log"));
}

TEST(RelayPeers, FfmpegPushToListenerInputReachesUdpOutputBitExact) {
  TempDir dir;
  UdpSink sink;
  RelayProcess relay(dir, "relay", {"srt://127.0.0.1:0?mode=listener", "udp://127.0.0.1:" + port(sink.port())});
  const int srt_port = relay.inputPort();
  ASSERT_NE(srt_port, 0) << relay.log();

  // ffmpeg encodes H.264+AAC live and writes the same TS to the SRT caller and to a file
  // (two identical mpegts muxers behind the tee): the file is what was sent.
  const std::string sent = dir.file("sent.ts");
  ChildProcess ffmpeg(
      {"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
       "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=1000", "-t", "4",
       "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-map", "0:v",
       "-map", "1:a", "-f", "tee",
       "[f=mpegts]srt://127.0.0.1:" + port(srt_port) + "?pkt_size=1316&linger=5|[f=mpegts]" + sent},
      dir.file("ffmpeg.out"), dir.file("ffmpeg.log"));
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["state"] == "connected"; }).is_null())
      << relay.log();
  ASSERT_EQ(ffmpeg.wait(30s), 0) << ffmpeg.stderrText();
  const std::string expected = readFile(sent);
  ASSERT_GT(expected.size(), 100'000u);
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= expected.size(); }, 15s))
      << sink.bytes() << " of " << expected.size();
  EXPECT_EQ(sink.bytes(), expected.size());
  EXPECT_TRUE(sink.data() == expected) << "UDP output differs from what ffmpeg sent";
  // The publisher left; the listener keeps listening for the next one.
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["state"] == "listening"; }).is_null());
}

TEST(RelayPeers, ListenerOutputServesManyCallersBitExactDespiteAStalledAndALeavingOne) {
  TempDir dir;
  RelayProcess relay(dir, "relay", {"udp://127.0.0.1:0", "srt://127.0.0.1:0?mode=listener&maxclients=8"});
  const int udp_port = relay.inputPort();
  const int srt_port = relay.outputPort(0);
  ASSERT_NE(udp_port, 0);
  ASSERT_NE(srt_port, 0);
  const std::string url = "srt://127.0.0.1:" + port(srt_port);

  UdpSink steady_sink;
  UdpSink stalled_sink;
  UdpSink leaving_sink;
  ChildProcess steady = sltReceiver(dir, "steady", url, steady_sink);
  ChildProcess stalled = sltReceiver(dir, "stalled", url, stalled_sink);
  ChildProcess leaving = sltReceiver(dir, "leaving", url, leaving_sink);
  // ffmpeg copies the raw bytes (data demuxer and muxer, no remux) on to a sink of ours.
  UdpSink ff_sink;
  ChildProcess ff({"ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "data", "-i", url + "?mode=caller",
                   "-map", "0", "-c", "copy", "-f", "data",
                   "udp://127.0.0.1:" + port(ff_sink.port()) + "?pkt_size=1316"},
                  dir.file("ffmpeg.out"), dir.file("ffmpeg.log"));
  ASSERT_FALSE(relay.waitFor([](const json& s) { return output0(s)["connected_clients"] == 4; }, 20s)
                   .is_null())
      << relay.log();

  const std::string data = makeSequenceTs(7 * 2500);  // 2500 datagrams, ~3.3 MB
  UdpSource src("127.0.0.1", udp_port, data, 8.0);
  ASSERT_TRUE(waitUntil([&] { return steady_sink.bytes() > data.size() / 3; }, 15s));
  stalled.signal(SIGSTOP);   // stops reading and acknowledging
  leaving.stop(SIGKILL);     // gone without a goodbye
  src.join();

  ASSERT_TRUE(waitUntil([&] { return steady_sink.bytes() >= data.size(); }, 15s))
      << steady_sink.bytes();
  EXPECT_TRUE(steady_sink.data() == data) << "srt-live-transmit caller got other bytes";
  EXPECT_LT(stalled_sink.bytes(), data.size()) << "the stalled caller cannot have had it all";
  ASSERT_TRUE(waitUntil([&] { return ff_sink.bytes() >= data.size(); }, 15s)) << ff_sink.bytes();
  EXPECT_TRUE(ff_sink.data() == data) << "ffmpeg caller got other bytes";

  stalled.stop(SIGKILL);
}

TEST(RelayPeers, LateJoinerGetsTheLiveStreamFromThen) {
  TempDir dir;
  RelayProcess relay(dir, "relay", {"udp://127.0.0.1:0", "srt://127.0.0.1:0?mode=listener"});
  const int udp_port = relay.inputPort();
  const int srt_port = relay.outputPort(0);
  const std::string url = "srt://127.0.0.1:" + port(srt_port);
  UdpSink early_sink;
  UdpSink late_sink;
  ChildProcess early = sltReceiver(dir, "early", url, early_sink);
  ASSERT_FALSE(relay.waitFor([](const json& s) { return output0(s)["connected_clients"] == 1; }).is_null());

  const std::string data = makeSequenceTs(7 * 3000);
  // In two parts, so that the late caller has joined before the second one is sent: on a busy
  // host srt-live-transmit can take longer to start and connect than one part lasts (it once
  // joined after the end and got nothing).
  const size_t half = 1316 * 1500;
  {
    UdpSource first("127.0.0.1", udp_port, data.substr(0, half), 8.0);
    first.join();
  }
  ChildProcess late = sltReceiver(dir, "late", url, late_sink);
  ASSERT_FALSE(relay.waitFor([](const json& s) { return output0(s)["connected_clients"] == 2; }, 20s).is_null())
      << relay.log() << late.stderrText();
  UdpSource second("127.0.0.1", udp_port, data.substr(half), 8.0);
  second.join();
  ASSERT_TRUE(waitUntil([&] { return early_sink.bytes() >= data.size(); }, 15s));
  EXPECT_TRUE(early_sink.data() == data);
  // The late caller got a tail of the stream: whole datagrams, in order, ending at the end.
  ASSERT_TRUE(waitUntil([&] { return late_sink.bytes() > 0; }, 15s));
  // Let the late caller's last packets through before looking.
  size_t seen = 0;
  waitUntil([&] {
    size_t now = late_sink.bytes();
    bool still = now == seen;
    seen = now;
    return still && now > 0;
  }, 5s);
  const std::string tail = late_sink.data();
  EXPECT_EQ(tail.size() % 1316, 0u);
  EXPECT_LT(tail.size(), data.size());
  EXPECT_TRUE(data.compare(data.size() - tail.size(), tail.size(), tail) == 0)
      << "late joiner's bytes are not the live tail of the stream";
}

// srt-live-transmit as the source: a listener fed from UDP.
ChildProcess sltSourceListener(const TempDir& dir, const std::string& tag, int udp_in, int srt_port,
                               const std::string& extra = "") {
  return ChildProcess({"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in),
                       "srt://:" + port(srt_port) + (extra.empty() ? "" : "?" + extra)},
                      dir.file(tag + ".out"), dir.file(tag + ".log"));
}

// srtgw reads a busy UDP input in batches (--udp-coalesce-us) but stamps each datagram
// with its kernel arrival time, so the SRT receiver plays them out with the spacing they
// arrived with. Here a 20 ms wait gathers ~5 datagrams sent 4 ms apart: without the
// source times they would leave the receiver in bursts (4 of 5 gaps near 0 ms). Gaps the
// sender itself did not keep (its thread scheduled late, then a catch-up burst, which the
// receiver rightly reproduces) are left out. A full fresh-clone run once saw 45 % of the
// gaps bunched while the test alone then passed 40 times in a row; a late sender does that.
TEST(RelayPeers, BatchedUdpReadsKeepTheArrivalSpacingAtTheSrtReceiver) {
  TempDir dir;
  RelayProcess relay(dir, "relay", {"udp://127.0.0.1:0", "srt://127.0.0.1:0?mode=listener&latency=200"},
                     {"--udp-coalesce-us", "20000"});
  const int udp_port = relay.inputPort();
  const int srt_port = relay.outputPort(0);
  ASSERT_NE(udp_port, 0) << relay.log();
  ASSERT_NE(srt_port, 0) << relay.log();
  UdpSink sink;
  ChildProcess rx = sltReceiver(dir, "rx", "srt://127.0.0.1:" + port(srt_port) + "?latency=200", sink);
  ASSERT_FALSE(relay.waitFor([](const json& s) { return output0(s)["connected_clients"] == 1; }, 20s).is_null())
      << relay.log();

  constexpr size_t kDatagrams = 300;
  const std::string data = makeSequenceTs(7 * kDatagrams);
  const double mbps = 1316 * 8 / 4000.0;  // one datagram every 4 ms
  UdpSource src("127.0.0.1", udp_port, data, mbps);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 10s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);

  const auto at = sink.arrivalTimesNs();
  const auto& sent = src.sendTimesNs();
  ASSERT_EQ(at.size(), sent.size());
  size_t bunched = 0;
  size_t gaps = 0;
  for (size_t i = 21; i < at.size(); ++i) {  // past the first batches after the join
    if (sent[i] - sent[i - 1] < 3'000'000) {
      continue;  // sent together: not the relay's doing
    }
    ++gaps;
    if (at[i] - at[i - 1] < 1'000'000) {
      ++bunched;
    }
  }
  ASSERT_GT(gaps, 200u);
  EXPECT_LT(bunched * 10, gaps * 3) << bunched << " of " << gaps
                                    << " gaps under 1 ms: the receiver got the datagrams in bursts";
}

struct ThreadSched {
  std::string name;
  int policy = -1;  // SCHED_OTHER 0, SCHED_FIFO 1
  int priority = -1;
};

// Every thread of `pid` with its scheduling policy and real-time priority (/proc stat
// fields 41 and 40, counted after the parenthesised name, which may contain spaces).
std::vector<ThreadSched> threadsOf(pid_t pid) {
  std::vector<ThreadSched> out;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& e : std::filesystem::directory_iterator(task)) {
    ThreadSched t;
    t.name = readFile(e.path().string() + "/comm");
    while (!t.name.empty() && t.name.back() == '\n') {
      t.name.pop_back();
    }
    const std::string stat = readFile(e.path().string() + "/stat");
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int n = 3; rest >> field; ++n) {
      if (n == 40) {
        t.priority = std::stoi(field);
      } else if (n == 41) {
        t.policy = std::stoi(field);
        break;
      }
    }
    out.push_back(t);
  }
  return out;
}

// --realtime-priority runs the data plane under SCHED_FIFO: srtgw's workers and the libsrt
// threads of the sockets they open (a receiving socket's TSBPD thread is what plays each
// packet out on time); the statistics thread stays ordinary. Without the right to do so
// the relay says why and runs on.
TEST(RelayPeers, RealtimePriorityReachesTheWorkersAndLibsrtsThreads) {
  TempDir dir;
  UdpSink sink;
  RelayProcess relay(dir, "relay",
                     {"srt://127.0.0.1:0?mode=listener", "udp://127.0.0.1:" + port(sink.port())},
                     {"--realtime-priority", "7"});
  const int srt_port = relay.inputPort();
  ASSERT_NE(srt_port, 0) << relay.log();
  const int udp_in = freeUdpPort();
  ChildProcess slt({"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in),
                    "srt://127.0.0.1:" + port(srt_port)},
                   dir.file("slt.out"), dir.file("slt.log"));
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["state"] == "connected"; }, 20s)
                   .is_null())
      << relay.log() << slt.stderrText();
  const std::string data = makeSequenceTs(7 * 500);
  UdpSource src("127.0.0.1", udp_in, data, 2.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 10s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);

  const auto threads = threadsOf(relay.process().pid());
  auto find = [&](const std::string& prefix) -> const ThreadSched* {
    for (const auto& t : threads) {
      if (t.name.rfind(prefix, 0) == 0) {
        return &t;
      }
    }
    return nullptr;
  };
  if (geteuid() != 0) {
    EXPECT_NE(relay.log().find("--realtime-priority: cannot use SCHED_FIFO"), std::string::npos)
        << relay.log();
    ASSERT_NE(find("srt-w0"), nullptr);
    EXPECT_EQ(find("srt-w0")->policy, SCHED_OTHER);
    return;
  }
  for (const char* name : {"srt-w0", "udp-w0", "SRT:RcvQ", "SRT:SndQ", "SRT:TsbPd"}) {
    const ThreadSched* t = find(name);
    ASSERT_NE(t, nullptr) << name << " not among the relay's threads";
    EXPECT_EQ(t->policy, SCHED_FIFO) << name;
    EXPECT_EQ(t->priority, 7) << name;
  }
  ASSERT_NE(find("stats"), nullptr);
  EXPECT_EQ(find("stats")->policy, SCHED_OTHER);
}

TEST(RelayPeers, CallerInputPullsEncryptedStreamAndReportsAWrongPassphrase) {
  TempDir dir;
  const std::string pass = "broadcast-secret-2026";
  const int udp_in = freeUdpPort();
  const int srt_port = freeUdpPort();
  ChildProcess slt = sltSourceListener(dir, "slt", udp_in, srt_port, "passphrase=" + pass + "&pbkeylen=32");

  UdpSink sink;
  RelayProcess relay(dir, "relay",
                     {"srt://127.0.0.1:" + port(srt_port) + "?passphrase=" + pass + "&pbkeylen=32",
                      "udp://127.0.0.1:" + port(sink.port())});
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["state"] == "connected"; }, 20s)
                   .is_null())
      << relay.log() << slt.stderrText();
  const std::string data = makeSequenceTs(7 * 1000);
  UdpSource src("127.0.0.1", udp_in, data, 4.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
  auto s = relay.latest();
  EXPECT_EQ(input0(s)["srt"]["packets_received_undecrypted"], 0);
  relay.process().stop(SIGTERM);

  // The same pull with a wrong passphrase is refused at the handshake and says so.
  RelayProcess wrong(dir, "wrong",
                     {"srt://127.0.0.1:" + port(srt_port) + "?passphrase=not-the-secret-at-all&pbkeylen=32",
                      "udp://127.0.0.1:" + port(sink.port())});
  auto st = wrong.waitFor([](const json& j) { return input0(j)["state"] == "error"; }, 20s);
  ASSERT_FALSE(st.is_null()) << wrong.log();
  EXPECT_NE(input0(st)["error_message"].get<std::string>().find("passphrase"), std::string::npos)
      << input0(st)["error_message"];
  EXPECT_EQ(input0(st)["packets"], 0);
}

TEST(RelayPeers, RendezvousWithSrtLiveTransmit) {
  TempDir dir;
  const int udp_in = freeUdpPort();
  const int srt_port = freeUdpPort();
  // Both sides bind the same port number on different loopback addresses.
  ChildProcess slt({"srt-live-transmit", "-q", "udp://127.0.0.1:" + port(udp_in),
                    "srt://127.0.0.1:" + port(srt_port) + "?mode=rendezvous&adapter=127.0.0.2"},
                   dir.file("slt.out"), dir.file("slt.log"));
  UdpSink sink;
  RelayProcess relay(dir, "relay",
                     {"srt://127.0.0.2:" + port(srt_port) + "?mode=rendezvous&adapter=127.0.0.1",
                      "udp://127.0.0.1:" + port(sink.port())});
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["state"] == "connected"; }, 30s)
                   .is_null())
      << relay.log() << slt.stderrText();
  const std::string data = makeSequenceTs(7 * 800);
  UdpSource src("127.0.0.1", udp_in, data, 4.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
}

TEST(RelayPeers, CallerInputReconnectsAfterItsPeerIsKilledAndRestarted) {
  TempDir dir;
  const int udp_in = freeUdpPort();
  const int srt_port = freeUdpPort();
  auto slt = std::make_unique<ChildProcess>(sltSourceListener(dir, "slt1", udp_in, srt_port));
  UdpSink sink;
  RelayProcess relay(dir, "relay", {"srt://127.0.0.1:" + port(srt_port), "udp://127.0.0.1:" + port(sink.port())});
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["connects"] == 1; }, 20s).is_null());

  slt->stop(SIGKILL);
  ASSERT_FALSE(relay.waitFor([](const json& s) { return input0(s)["state"] != "connected"; }, 20s)
                   .is_null())
      << "the loss of the peer was never noticed";
  slt = std::make_unique<ChildProcess>(sltSourceListener(dir, "slt2", udp_in, srt_port));
  ASSERT_FALSE(relay.waitFor([](const json& s) {
                      return input0(s)["connects"] == 2 && input0(s)["state"] == "connected";
                    }, 20s).is_null())
      << relay.log();
  const std::string data = makeSequenceTs(7 * 500, 7);
  UdpSource src("127.0.0.1", udp_in, data, 4.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
}

TEST(RelayPeers, CallerOutputReconnectsAfterItsPeerIsKilledAndRestarted) {
  TempDir dir;
  const int srt_port = freeUdpPort();
  UdpSink sink;
  auto receiver = [&](const std::string& tag) {
    return std::make_unique<ChildProcess>(ChildProcess(
        {"srt-live-transmit", "-q", "srt://:" + port(srt_port), "udp://127.0.0.1:" + port(sink.port())},
        dir.file(tag + ".out"), dir.file(tag + ".log")));
  };
  auto slt = receiver("slt1");
  RelayProcess relay(dir, "relay", {"udp://127.0.0.1:0", "srt://127.0.0.1:" + port(srt_port)});
  const int udp_port = relay.inputPort();
  ASSERT_FALSE(relay.waitFor([](const json& s) { return output0(s)["connects"] == 1; }, 20s).is_null())
      << relay.log();
  slt->stop(SIGKILL);
  slt = receiver("slt2");
  ASSERT_FALSE(relay.waitFor([](const json& s) {
                      return output0(s)["connects"] == 2 && output0(s)["state"] == "connected";
                    }, 30s).is_null())
      << relay.log();
  const std::string data = makeSequenceTs(7 * 500, 9);
  UdpSource src("127.0.0.1", udp_port, data, 4.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
}

}  // namespace
}  // namespace srtgw::test

namespace srtgw::test {
namespace {

TEST(RelayMulticast, UdpMulticastOutAndSourceSpecificMulticastInOnLoopback) {
  TempDir dir;
  // A group of our own for this run; the loopback interface carries it.
  const std::string group = "239.255." + std::to_string(getpid() % 250) + "." +
                            std::to_string(1 + std::rand() % 250);
  const int group_port = freeUdpPort();
  UdpSink sink;
  RelayProcess receiver(dir, "rx",
                        {"udp://" + group + ":" + port(group_port) + "?adapter=lo&source=127.0.0.1",
                         "udp://127.0.0.1:" + port(sink.port())});
  ASSERT_NE(receiver.inputPort(), 0) << receiver.log();
  RelayProcess sender(dir, "tx",
                      {"udp://127.0.0.1:0", "udp://" + group + ":" + port(group_port) + "?adapter=lo&ttl=1&iptos=184"});
  const int in_port = sender.inputPort();
  ASSERT_NE(in_port, 0) << sender.log();
  const std::string data = makeSequenceTs(7 * 600, 3);
  UdpSource src("127.0.0.1", in_port, data, 8.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() >= data.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
}

TEST(RelayMulticast, SourceSpecificJoinIgnoresOtherSenders) {
  TempDir dir;
  const std::string group = "239.255." + std::to_string(getpid() % 250) + "." +
                            std::to_string(1 + std::rand() % 250);
  const int group_port = freeUdpPort();
  UdpSink sink;
  // Only 127.0.0.9 may send to this group; our sender's address is 127.0.0.1.
  RelayProcess receiver(dir, "rx",
                        {"udp://" + group + ":" + port(group_port) + "?adapter=lo&source=127.0.0.9",
                         "udp://127.0.0.1:" + port(sink.port())});
  ASSERT_NE(receiver.inputPort(), 0) << receiver.log();
  RelayProcess sender(dir, "tx", {"udp://127.0.0.1:0", "udp://" + group + ":" + port(group_port) + "?adapter=lo"});
  UdpSource src("127.0.0.1", sender.inputPort(), makeSequenceTs(7 * 200, 4), 8.0);
  src.join();
  // The sender's own counters prove the packets went out; the receiver must not see them.
  auto sent = sender.waitFor([](const json& s) { return output0(s)["packets"] == 200; });
  ASSERT_FALSE(sent.is_null());
  // Look at the receiver a while after the last packet left (loopback delivers in microseconds).
  const int64_t after = sent["time_ms"].get<int64_t>() + 300;
  ASSERT_FALSE(receiver.waitFor([&](const json& s) { return s["time_ms"].get<int64_t>() > after; }).is_null());
  EXPECT_EQ(input0(receiver.latest())["packets"], 0);
  EXPECT_EQ(sink.bytes(), 0u);
}

}  // namespace
}  // namespace srtgw::test
