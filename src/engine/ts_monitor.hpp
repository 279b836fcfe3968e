#pragma once
// MPEG-TS analysis beside forwarding, never in its way. Each input has a TsTap: a bounded,
// lossy single-producer ring that the input's thread copies each datagram into; when the
// ring is full the datagram is skipped and counted (analysis_skipped_packets) — forwarding
// never waits for analysis. One `ts-analyzer` thread drains every tap into that input's
// TR 101 290 analyzer, publishes a snapshot per input every second, and reports alarms as
// they are raised and cleared.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/counter.hpp"
#include "core/named_thread.hpp"
#include "engine/status.hpp"
#include "net/datagram_batch.hpp"
#include "ts/analysis_snapshot.hpp"

namespace srtgw::ts {
class Tr101290Analyzer;
}

namespace srtgw::engine {

class TsTap {
 public:
  static constexpr size_t kSlots = 1024;
  static constexpr size_t kSlotBytes = 1504;  // 8 TS packets; more than any SRT payload

  TsTap();

  /// The input's thread, per batch: copies what fits, counts what does not. Never blocks,
  /// never allocates. `arrival_ns` (steady clock) is now; a timed batch's datagrams are
  /// dated that much earlier than now as they are old (DatagramBatch::ageUs).
  void push(const net::DatagramBatch& batch, int64_t arrival_ns) noexcept;
  /// TS packets the analyzer could not look at.
  uint64_t skipped() const { return skipped_.get(); }

 private:
  friend class TsMonitor;
  friend class TsTapTest;
  struct Slot {
    int64_t arrival_ns;
    uint32_t len;
    uint8_t data[kSlotBytes];
  };
  std::unique_ptr<Slot[]> slots_;  // left untouched (not resident) until used
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the analyzer thread
  core::Counter skipped_;
};

class TsMonitor {
 public:
  explicit TsMonitor(const EventSink* sink);
  ~TsMonitor();
  TsMonitor(const TsMonitor&) = delete;
  TsMonitor& operator=(const TsMonitor&) = delete;

  /// Control thread: starts analysing what the tap receives for this input.
  std::shared_ptr<TsTap> attach(const std::string& input_id);
  /// Control thread: forgets the input (its tap may still be referenced by a stopped input).
  void detach(const std::string& input_id);
  /// Any thread: the last published snapshot (null before the first).
  std::shared_ptr<const ts::AnalysisSnapshot> snapshot(const std::string& input_id) const;
  /// Any thread: clears counters and tables at the analyzer's next pass.
  bool reset(const std::string& input_id);

 private:
  struct Entry;
  void run(std::stop_token st);
  void publish(const std::string& id, Entry& e, int64_t now_ns);

  const EventSink* sink_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // guarded by mu_
  core::NamedThread thread_;
};

}  // namespace srtgw::engine
