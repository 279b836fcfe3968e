// Which read hold a UDP input gets from its outputs.

#include "engine/udp_coalesce.hpp"

#include <gtest/gtest.h>

namespace srtgw::engine {
namespace {

EndpointSpec srtOut(std::optional<int> latency_ms = std::nullopt) {
  EndpointSpec e;
  e.transport = Transport::kSrt;
  e.mode = SrtMode::kCaller;
  e.srt.latency_ms = latency_ms;
  return e;
}

EndpointSpec udpOut() {
  EndpointSpec e;
  e.transport = Transport::kUdp;
  return e;
}

TEST(ReadHold, InputsWithAUdpOutputOrNoneUseTheUdpValue) {
  const EndpointSpec srt = srtOut();
  const EndpointSpec udp = udpOut();
  EXPECT_EQ(readHoldUs({}, 1000, 10000), 1000);
  EXPECT_EQ(readHoldUs({&udp}, 1000, 10000), 1000);
  EXPECT_EQ(readHoldUs({&srt, &udp}, 1000, 10000), 1000);
  EXPECT_EQ(readHoldUs({&udp, &srt}, 0, 10000), 0);
}

TEST(ReadHold, AllSrtOutputsUseTheSrtValueCappedByTheSmallestLatency) {
  const EndpointSpec def = srtOut();        // libsrt's 120 ms: cap 15 ms
  const EndpointSpec low = srtOut(40);      // cap 5 ms
  const EndpointSpec tiny = srtOut(4);      // cap 0.5 ms, below the UDP value
  EXPECT_EQ(readHoldUs({&def}, 1000, 10000), 10000);
  EXPECT_EQ(readHoldUs({&def}, 1000, 50000), 15000);
  EXPECT_EQ(readHoldUs({&def, &low}, 1000, 10000), 5000);
  EXPECT_EQ(readHoldUs({&def, &tiny}, 1000, 10000), 1000);
  // Set lower than the UDP value, the SRT value gives way to it.
  EXPECT_EQ(readHoldUs({&def}, 2000, 500), 2000);
}

TEST(ReadHold, PeerLatencyIsTheOneThatBoundsAnOutput) {
  EndpointSpec e = srtOut(200);
  e.srt.peer_latency_ms = 24;  // the receiver plays out with at least this
  EXPECT_EQ(readHoldUs({&e}, 1000, 10000), 3000);
}

}  // namespace
}  // namespace srtgw::engine
