// SendSchedule: earliest due first, arrival order on ties, bounded, slots reused.

#include "send_schedule.hpp"

#include <gtest/gtest.h>

#include <string>

namespace srtgw::impair {
namespace {

void push(SendSchedule& s, int64_t due, const std::string& data, uint64_t index) {
  ASSERT_TRUE(s.push(due, reinterpret_cast<const uint8_t*>(data.data()), data.size(), index, 1,
                     Direction::kUp, false));
}

std::string popData(SendSchedule& s) {
  const auto& top = s.top();
  std::string d(reinterpret_cast<const char*>(s.data(top)), top.length);
  s.pop();
  return d;
}

TEST(SendSchedule, PopsEarliestFirstAndKeepsArrivalOrderOnTies) {
  SendSchedule s(100);
  push(s, 30, "c", 0);
  push(s, 10, "a1", 1);
  push(s, 20, "b", 2);
  push(s, 10, "a2", 3);
  EXPECT_EQ(s.nextDue(), 10);
  EXPECT_EQ(popData(s), "a1");
  EXPECT_EQ(popData(s), "a2");
  EXPECT_EQ(popData(s), "b");
  EXPECT_EQ(popData(s), "c");
  EXPECT_TRUE(s.empty());
}

TEST(SendSchedule, RefusesPastMaxPendingAndOversizeDatagrams) {
  SendSchedule s(2);
  push(s, 1, "x", 0);
  push(s, 2, "y", 1);
  const std::string z = "z";
  EXPECT_FALSE(
      s.push(3, reinterpret_cast<const uint8_t*>(z.data()), 1, 2, 1, Direction::kUp, false));
  s.pop();
  const std::string big(SendSchedule::kSlotSize + 1, 'b');
  EXPECT_FALSE(s.push(3, reinterpret_cast<const uint8_t*>(big.data()), big.size(), 3, 1,
                      Direction::kUp, false));
}

TEST(SendSchedule, ReusesSlotsAcrossManyRounds) {
  SendSchedule s(1000);
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 600; ++i) {
      push(s, i, std::to_string(round * 1000 + i), static_cast<uint64_t>(i));
    }
    for (int i = 0; i < 600; ++i) {
      ASSERT_EQ(popData(s), std::to_string(round * 1000 + i));
    }
  }
}

}  // namespace
}  // namespace srtgw::impair
