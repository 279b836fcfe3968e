#pragma once
// Counters written on the hot path: relaxed atomics, one writer, many readers.

#include <atomic>
#include <cstdint>

namespace srtgw::core {

class Counter {
 public:
  /// Writer thread only (single writer, so load+store beats a locked add).
  void add(uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  /// Any thread, when more than one thread may write.
  void addShared(uint64_t n) { v_.fetch_add(n, std::memory_order_relaxed); }
  void reset() { v_.store(0, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

}  // namespace srtgw::core
