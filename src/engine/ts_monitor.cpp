#include "engine/ts_monitor.hpp"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "core/clock.hpp"
#include "ts/tr101290_analyzer.hpp"

namespace srtgw::engine {
namespace {

// The analyzer thread wakes this often to drain the taps: a ring of kSlots datagrams holds
// 100 ms of a 100 Mbps stream, so nothing is skipped at ordinary rates.
constexpr auto kDrainInterval = std::chrono::milliseconds(5);
constexpr int64_t kPublishIntervalNs = 1'000'000'000;

}  // namespace

TsTap::TsTap() : slots_(new Slot[kSlots]) {}

void TsTap::push(const net::DatagramBatch& batch, int64_t arrival_ns) noexcept {
  uint64_t head = head_.load(std::memory_order_relaxed);
  const uint64_t tail = tail_.load(std::memory_order_acquire);
  const int n = batch.size();
  for (int i = 0; i < n; ++i) {
    const auto len = static_cast<size_t>(batch.length(i));
    if (head - tail >= kSlots) {
      skipped_.add((len + 187) / 188);
      continue;
    }
    Slot& s = slots_[head % kSlots];
    const size_t copy = len < kSlotBytes ? len : kSlotBytes;
    std::memcpy(s.data, batch.data(i), copy);
    s.len = static_cast<uint32_t>(copy);
    // A UDP input is read in batches (its read hold); each datagram keeps the time the
    // kernel received it, so repetition intervals are measured as they arrived.
    s.arrival_ns = arrival_ns - batch.ageUs(i) * 1000;
    if (copy < len) {
      skipped_.add((len - copy + 187) / 188);
    }
    ++head;
  }
  head_.store(head, std::memory_order_release);
}

struct TsMonitor::Entry {
  std::shared_ptr<TsTap> tap = std::make_shared<TsTap>();
  std::unique_ptr<ts::Tr101290Analyzer> analyzer;  // analyzer thread; made on first data
  std::shared_ptr<const ts::AnalysisSnapshot> latest;  // guarded by TsMonitor::mu_
  std::atomic<bool> reset_requested{false};
  int64_t next_publish_ns = 0;
  std::array<bool, ts::kIndicatorCount> active{};  // analyzer thread: last published alarms
};

TsMonitor::TsMonitor(const EventSink* sink) : sink_(sink) {
  thread_ = core::NamedThread("ts-analyzer", [this](std::stop_token st) { run(st); });
}

TsMonitor::~TsMonitor() { thread_.stopAndJoin(); }

std::shared_ptr<TsTap> TsMonitor::attach(const std::string& input_id) {
  std::lock_guard lock(mu_);
  auto& e = entries_[input_id];
  if (!e) {
    e = std::make_shared<Entry>();
  }
  return e->tap;
}

void TsMonitor::detach(const std::string& input_id) {
  std::lock_guard lock(mu_);
  entries_.erase(input_id);
}

std::shared_ptr<const ts::AnalysisSnapshot> TsMonitor::snapshot(const std::string& input_id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(input_id);
  return it == entries_.end() ? nullptr : it->second->latest;
}

bool TsMonitor::reset(const std::string& input_id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(input_id);
  if (it == entries_.end()) {
    return false;
  }
  it->second->reset_requested = true;
  return true;
}

void TsMonitor::publish(const std::string& id, Entry& e, int64_t now_ns) {
  auto snap = std::make_shared<ts::AnalysisSnapshot>(e.analyzer->snapshot());
  // Alarms raised and cleared since the last snapshot become events.
  for (size_t i = 0; i < ts::kIndicatorCount; ++i) {
    const auto& ind = snap->indicators[i];
    if (ind.active != e.active[i] && sink_ != nullptr && *sink_) {
      StateEvent ev;
      ev.type = ind.active ? "ts.alarm.raised" : "ts.alarm.cleared";
      ev.kind = "input";
      ev.id = id;
      ev.message = fmt::format("{} {} (priority {}, count {})", ind.id, ind.name, ind.priority, ind.count);
      ev.stream_id = std::string(ind.id);  // the indicator, e.g. "1.4"
      ev.code = ind.priority;
      (*sink_)(ev);
    }
    e.active[i] = ind.active;
  }
  std::lock_guard lock(mu_);
  e.latest = std::move(snap);
  e.next_publish_ns = now_ns + kPublishIntervalNs;
}

void TsMonitor::run(std::stop_token st) {
  std::mutex m;
  std::condition_variable_any cv;
  std::vector<std::pair<std::string, std::shared_ptr<Entry>>> work;
  while (!st.stop_requested()) {
    {
      std::unique_lock lock(m);
      cv.wait_for(lock, st, kDrainInterval, [] { return false; });
    }
    {
      std::lock_guard lock(mu_);
      work.assign(entries_.begin(), entries_.end());
    }
    const int64_t now = core::steadyNowNs();
    for (auto& [id, e] : work) {
      TsTap& tap = *e->tap;
      const uint64_t head = tap.head_.load(std::memory_order_acquire);
      uint64_t tail = tap.tail_.load(std::memory_order_relaxed);
      if (head != tail && !e->analyzer) {
        e->analyzer = std::make_unique<ts::Tr101290Analyzer>();
        e->next_publish_ns = now;  // show the first figures at once
      }
      if (!e->analyzer) {
        continue;
      }
      if (e->reset_requested.exchange(false)) {
        e->analyzer->reset();
        e->next_publish_ns = now;
      }
      for (; tail != head; ++tail) {
        const auto& s = tap.slots_[tail % TsTap::kSlots];
        e->analyzer->onDatagram(s.data, s.len, s.arrival_ns);
      }
      tap.tail_.store(tail, std::memory_order_release);
      e->analyzer->tick(now);
      if (now >= e->next_publish_ns) {
        publish(id, *e, now);
      }
    }
    work.clear();
  }
}

}  // namespace srtgw::engine
