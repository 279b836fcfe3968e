#pragma once
// An input: reads packets on its worker's thread and hands each batch to every output of
// the current snapshot itself — no queue, no lock between reading and sending.

#include <atomic>
#include <functional>
#include <memory>

#include "engine/output.hpp"
#include "engine/spec.hpp"
#include "engine/status.hpp"
#include "core/clock.hpp"
#include "engine/ts_monitor.hpp"
#include "net/datagram_batch.hpp"

namespace srtgw::engine {

class Input {
 public:
  Input(InputSpec spec, const EventSink* sink)
      : spec_(std::move(spec)), status_("input", spec_.id, sink) {}
  virtual ~Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  /// Control thread: opens sockets on the input's worker; the error says why it could not.
  virtual core::Result<void> start() = 0;
  /// Control thread: closes everything on the worker; start() may follow again.
  virtual void stop() = 0;
  /// Control thread: runs `fn` on the input's worker thread and waits for it.
  virtual void runOnWorker(const std::function<void()>& fn) = 0;
  /// Control thread.
  virtual void fillStats(EndpointStats& out, int64_t now_ms);

  /// Worker thread: installs a new output snapshot and returns the previous one, which the
  /// caller releases off the hot path.
  std::shared_ptr<const OutputSet> swapOutputs(std::shared_ptr<const OutputSet> next) {
    outputs_.swap(next);
    published_hold_us_.store(readHoldUs(), std::memory_order_relaxed);
    return next;
  }

  const InputSpec& spec() const { return spec_; }
  /// Control thread, before start(): where a copy of every datagram goes for analysis.
  void setTap(std::shared_ptr<TsTap> tap) { tap_ = std::move(tap); }

 protected:
  /// Worker thread, per batch: counts and fans out.
  void forward(net::DatagramBatch& batch) noexcept {
    const int n = batch.size();
    uint64_t bytes = 0;
    for (int i = 0; i < n; ++i) {
      bytes += static_cast<uint64_t>(batch.length(i));
    }
    counters_.packets.add(static_cast<uint64_t>(n));
    counters_.bytes.add(bytes);
    if (outputs_) {
      for (const auto& out : outputs_->outputs) {
        out->send(batch);
      }
    }
    // After the outputs: analysis takes a copy, lossy, and never delays forwarding.
    if (tap_) {
      tap_->push(batch, core::steadyNowNs());
    }
  }

  /// Worker thread: the current snapshot's read hold (engine/udp_coalesce.hpp).
  int readHoldUs() const { return outputs_ ? outputs_->read_hold_us : 0; }

  InputSpec spec_;
  Status status_;
  Counters counters_;
  RateMeter rate_;
  std::shared_ptr<TsTap> tap_;  // set before start; read by the worker thread
  std::atomic<int> published_hold_us_{0};  // readHoldUs() for the control thread's stats

 private:
  std::shared_ptr<const OutputSet> outputs_;  // worker thread only
};

class SrtWorker;
class UdpWorker;

/// Creates the right kind of input for the spec (not started).
std::unique_ptr<Input> makeInput(const InputSpec& spec, SrtWorker& srt_worker,
                                 UdpWorker& udp_worker, const EventSink* sink);

}  // namespace srtgw::engine
