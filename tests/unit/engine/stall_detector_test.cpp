// The stall decision, with made-up times: what "stalled" means for receivers and senders.
#include "engine/stall_detector.hpp"

#include <gtest/gtest.h>

#include "engine/status.hpp"

namespace srtgw::engine {
namespace {

using V = StallDetector::Verdict;

TEST(StallDetector, AReceiverStallsAfterTheTimeoutWithoutDataAndFlowsAgainAtOnce) {
  StallDetector d;
  d.reset(1000, 5, 1000);
  EXPECT_EQ(d.update(1100, 6, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(2099, 6, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(2100, 6, true, 1000), V::kStalled);
  EXPECT_EQ(d.quietMs(2100), 1000);
  EXPECT_EQ(d.update(2500, 7, true, 1000), V::kFlowing) << "one packet ends the stall";
  EXPECT_EQ(d.update(3499, 7, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(3500, 7, true, 1000), V::kStalled);
}

TEST(StallDetector, AStallThatLastsTheGraceMoreIsDead) {
  StallDetector d;
  d.reset(0, 0, 500);
  EXPECT_EQ(d.update(1000, 0, true, 1000), V::kStalled);
  EXPECT_EQ(d.update(1499, 0, true, 1000), V::kStalled);
  EXPECT_EQ(d.update(1500, 0, true, 1000), V::kDead);
}

TEST(StallDetector, ASenderThatOwesNothingIsNeverStalled) {
  // An idle input: the sender's buffer is empty, ACKs stop, and that is fine.
  StallDetector d;
  d.reset(0, 10, 1000);
  for (int64_t t = 100; t <= 10000; t += 100) {
    ASSERT_EQ(d.update(t, 10, false, 1000), V::kFlowing) << t;
  }
  // Data is owed again: the clock runs from the last check that found nothing owed
  // (10000), not from the last ACK long before.
  EXPECT_EQ(d.update(10100, 10, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(10999, 10, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(11000, 10, true, 1000), V::kStalled);
}

TEST(StallDetector, ACountThatWrapsOrRestartsStillCountsAsProgress) {
  StallDetector d;
  d.reset(0, 100, 1000);
  EXPECT_EQ(d.update(900, 3, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(1800, 3, true, 1000), V::kFlowing);
  EXPECT_EQ(d.update(1900, 3, true, 1000), V::kStalled);
}

TEST(StallDetector, RedialGraceDoublesWhileRedialsBringNothingAndIsCapped) {
  EXPECT_EQ(nextRedialGrace(1000, 1000), 2000);
  EXPECT_EQ(nextRedialGrace(2000, 1000), 4000);
  EXPECT_EQ(nextRedialGrace(0, 1000), 1000);
  EXPECT_EQ(nextRedialGrace(20000, 1000), kMaxRedialGraceMs);
  EXPECT_EQ(nextRedialGrace(kMaxRedialGraceMs, 1000), kMaxRedialGraceMs);
}

TEST(StallDetector, TheTimeoutDefaultsToOneSecond) {
  EXPECT_EQ(stallTimeoutMs(0), 1000);
  EXPECT_EQ(stallTimeoutMs(250), 250);
}

TEST(StreamStatus, AStallKeepsThePeerAndTheUptimeAndIsReportedAsAnEvent) {
  std::vector<StateEvent> seen;
  EventSink sink = [&](const StateEvent& e) { seen.push_back(e); };
  Status st("output", "7", &sink);
  st.set(StreamState::kConnected, {}, "127.0.0.1:9000");
  st.set(StreamState::kStalled, "nothing acknowledged for 1000 ms");
  EndpointStats out;
  st.fill(out);
  EXPECT_EQ(out.state, StreamState::kStalled);
  EXPECT_EQ(out.peer, "127.0.0.1:9000");
  EXPECT_EQ(out.error_message, "nothing acknowledged for 1000 ms");
  EXPECT_GE(out.uptime_ms, 0);
  st.set(StreamState::kConnected);
  st.fill(out);
  EXPECT_EQ(out.peer, "127.0.0.1:9000") << "back to connected: same connection, same peer";
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_STREQ(toString(seen[1].state), "stalled");
  EXPECT_EQ(seen[1].kind, "output");
  st.set(StreamState::kReconnecting, "stalled for 2000 ms; redialling");
  st.fill(out);
  EXPECT_EQ(out.peer, "");
  EXPECT_EQ(out.uptime_ms, 0);
}

}  // namespace
}  // namespace srtgw::engine
