// Real SRT through srtgw-impair: UDP -> srt-live-transmit caller -> impair (5 % loss both
// ways) -> srt-live-transmit listener -> UDP. SRT's retransmission must hide every loss. Latency
// 1000 ms: at 200 ms a busy CI host (both ends are srt-live-transmit, polling every 10 ms)
// once let a retransmission arrive too late.

#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <string>
#include <thread>

#include "impair_test_support.hpp"

namespace srtgw::impair::test {
namespace {

using namespace std::chrono_literals;

bool waitForLine(Child& child, const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto line = child.readLine(left);
    if (!line) {
      return false;
    }
    if (line->find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(SrtThroughImpair, LiveStreamArrivesByteExactDespiteFivePercentLoss) {
  ASSERT_TRUE(inPath("srt-live-transmit")) << "srt-live-transmit is required (srt-tools)";
  UdpPeer sink;
  const uint16_t srt_port = freeUdpPort();
  Child listener(
      {"srt-live-transmit", "srt://:" + std::to_string(srt_port) + "?mode=listener&latency=1000",
       "udp://127.0.0.1:" + std::to_string(sink.port())},
      kStderrToStdout);
  Child impair({impairBinary(), "--listen", "127.0.0.1:0", "--forward",
                "127.0.0.1:" + std::to_string(srt_port), "--loss", "5", "--seed", "2024"});
  auto start = impair.readLine(5s);
  ASSERT_TRUE(start);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*start, m, std::regex(R"re("listen":"127\.0\.0\.1:(\d+)")re")));
  const std::string impair_port = m[1];
  const uint16_t udp_in = freeUdpPort();
  Child caller({"srt-live-transmit", "udp://127.0.0.1:" + std::to_string(udp_in),
                "srt://127.0.0.1:" + impair_port + "?mode=caller&latency=1000"},
               kStderrToStdout);
  ASSERT_TRUE(waitForLine(caller, "connected", 5s)) << "the caller never connected";
  ASSERT_TRUE(waitForLine(listener, "Accepted", 5s)) << "the listener never accepted";

  // 2 s of 5 Mbps: 950 datagrams of 1316 bytes, paced like a live source, then a tail of
  // 50 more that is sent but not checked. SRT finds a lost packet by the gap a later one
  // leaves (the receiver's NAK); a stream that ended with a dropped packet would leave no
  // gap, and no live stream ends where a test's count does.
  UdpPeer source;
  constexpr uint32_t kCount = 950;
  constexpr uint32_t kTail = 50;
  const auto interval = std::chrono::microseconds(2'105);
  auto next = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i < kCount + kTail; ++i) {
    source.sendTo(udp_in, numbered(i, 1316));
    next += interval;
    std::this_thread::sleep_until(next);
  }
  for (uint32_t i = 0; i < kCount; ++i) {
    auto d = sink.receive(3s);
    ASSERT_TRUE(d) << "datagram " << i << " never arrived";
    ASSERT_EQ(*d, numbered(i, 1316)) << "datagram " << i;
  }

  caller.signal(SIGINT);
  listener.signal(SIGINT);
  impair.signal(SIGTERM);
  std::string final_line;
  while (auto line = impair.readLine(5s)) {
    final_line = *line;
  }
  EXPECT_EQ(impair.wait(5s), 0);
  std::smatch up;
  ASSERT_TRUE(std::regex_search(
      final_line, up,
      std::regex(R"re("up":\{"received":(\d+),"forwarded":(\d+),"dropped_loss":(\d+))re")))
      << final_line;
  EXPECT_GT(std::stoul(up[3]), 20u) << "the relay should have dropped ~5 %: " << final_line;
  caller.wait(5s);
  listener.wait(5s);
}

}  // namespace
}  // namespace srtgw::impair::test
