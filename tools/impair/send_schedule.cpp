#include "send_schedule.hpp"

#include <cstring>

namespace srtgw::impair {

bool SendSchedule::push(int64_t due_ns, const uint8_t* data, size_t length, uint64_t index,
                        uint32_t client, Direction direction, bool copy) {
  if (heap_.size() >= max_pending_ || length > kSlotSize) {
    return false;
  }
  if (free_slots_.empty()) {
    const auto base = static_cast<uint32_t>(chunks_.size() * kSlotsPerChunk);
    chunks_.push_back(std::make_unique<uint8_t[]>(kSlotsPerChunk * kSlotSize));
    for (uint32_t i = kSlotsPerChunk; i > 0; --i) {
      free_slots_.push_back(base + i - 1);
    }
  }
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  std::memcpy(slotData(slot), data, length);
  ScheduledDatagram d;
  d.due_ns = due_ns;
  d.order = next_order_++;
  d.index = index;
  d.slot = slot;
  d.client = client;
  d.length = static_cast<uint16_t>(length);
  d.direction = direction;
  d.copy = copy;
  heap_.push(d);
  return true;
}

void SendSchedule::pop() {
  free_slots_.push_back(heap_.top().slot);
  heap_.pop();
}

}  // namespace srtgw::impair
