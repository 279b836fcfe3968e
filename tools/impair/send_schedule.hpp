#pragma once
// Datagrams waiting for their send time: a min-heap keyed by (due time, arrival order) over
// a pool of fixed slots that grows in chunks and is reused, so steady traffic never allocates.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

namespace srtgw::impair {

enum class Direction : uint8_t {
  kUp,    // client -> --listen -> relay -> --forward
  kDown,  // --forward -> relay -> --listen -> client
};

struct ScheduledDatagram {
  int64_t due_ns = 0;
  uint64_t order = 0;  // ties on due time keep arrival order
  uint64_t index = 0;  // the direction's arrival index (for reorder counting)
  uint32_t slot = 0;
  uint32_t client = 0;
  uint16_t length = 0;
  Direction direction = Direction::kUp;
  bool copy = false;  // the duplicate of an earlier datagram
};

class SendSchedule {
 public:
  static constexpr size_t kSlotSize = 2048;  // larger than any SRT packet or Ethernet frame

  explicit SendSchedule(size_t max_pending) : max_pending_(max_pending) {}

  /// Owner thread: copies the datagram in; false when `max_pending` are already waiting or
  /// it is larger than a slot.
  bool push(int64_t due_ns, const uint8_t* data, size_t length, uint64_t index, uint32_t client,
            Direction direction, bool copy);
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  /// The earliest due time; only when not empty.
  int64_t nextDue() const { return heap_.top().due_ns; }
  const ScheduledDatagram& top() const { return heap_.top(); }
  const uint8_t* data(const ScheduledDatagram& d) const { return slotData(d.slot); }
  /// Owner thread: removes top() and frees its slot.
  void pop();

 private:
  static constexpr size_t kSlotsPerChunk = 256;
  struct Later {
    bool operator()(const ScheduledDatagram& a, const ScheduledDatagram& b) const {
      return a.due_ns != b.due_ns ? a.due_ns > b.due_ns : a.order > b.order;
    }
  };
  uint8_t* slotData(uint32_t slot) const {
    return chunks_[slot / kSlotsPerChunk].get() + (slot % kSlotsPerChunk) * kSlotSize;
  }

  size_t max_pending_;
  uint64_t next_order_ = 0;
  std::priority_queue<ScheduledDatagram, std::vector<ScheduledDatagram>, Later> heap_;
  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace srtgw::impair
