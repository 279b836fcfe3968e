// TsTap: what the analyzer gets from an input's batches.

#include <gtest/gtest.h>

#include <cstring>

#include "engine/ts_monitor.hpp"

namespace srtgw::engine {

class TsTapTest : public ::testing::Test {
 protected:
  static int64_t arrivalNs(const TsTap& tap, uint64_t k) { return tap.slots_[k % TsTap::kSlots].arrival_ns; }
  static uint64_t pushed(const TsTap& tap) { return tap.head_.load(); }

  static void fill(net::DatagramBatch& batch, int n) {
    batch.setSize(n);
    for (int i = 0; i < n; ++i) {
      std::memset(batch.slot(i), 0, 188);
      batch.slot(i)[0] = 0x47;
      batch.setLength(i, 188);
    }
  }
};

namespace {

// A UDP input is read in batches, up to its read hold apart; the analyzer must still see
// each datagram at the time it arrived, or repetition intervals (PCR every 40 ms, PAT
// every 500 ms) would be measured up to a hold off.
TEST_F(TsTapTest, DatesEachDatagramOfATimedBatchWhenItArrived) {
  TsTap tap;
  auto batch = std::make_unique<net::DatagramBatch>();
  fill(*batch, 3);
  const int64_t stamped_at_us = 5'000'000;
  batch->setSourceTimeUs(0, stamped_at_us - 20'000);  // arrived 20 ms before the read
  batch->setSourceTimeUs(1, stamped_at_us - 7'500);
  batch->setSourceTimeUs(2, stamped_at_us);
  batch->markTimed(stamped_at_us);
  const int64_t now_ns = 9'000'000'000;
  tap.push(*batch, now_ns);
  ASSERT_EQ(pushed(tap), 3u);
  EXPECT_EQ(arrivalNs(tap, 0), now_ns - 20'000'000);
  EXPECT_EQ(arrivalNs(tap, 1), now_ns - 7'500'000);
  EXPECT_EQ(arrivalNs(tap, 2), now_ns);
}

TEST_F(TsTapTest, AnUntimedBatchArrivesNow) {
  TsTap tap;
  auto batch = std::make_unique<net::DatagramBatch>();
  fill(*batch, 2);
  const int64_t now_ns = 1'000'000'000;
  tap.push(*batch, now_ns);
  ASSERT_EQ(pushed(tap), 2u);
  EXPECT_EQ(arrivalNs(tap, 0), now_ns);
  EXPECT_EQ(arrivalNs(tap, 1), now_ns);
}

}  // namespace
}  // namespace srtgw::engine
