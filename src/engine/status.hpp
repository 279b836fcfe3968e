#pragma once
// The live status of one input or output: written by the worker that owns it on state
// transitions (never per packet), read by the control plane.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "core/counter.hpp"
#include "engine/stats.hpp"
#include "srt/socket.hpp"

namespace srtgw::engine {

using EventSink = std::function<void(const StateEvent&)>;

class Status {
 public:
  Status(std::string kind, std::string id, const EventSink* sink)
      : kind_(std::move(kind)), id_(std::move(id)), sink_(sink) {}

  /// Owner worker thread. Reports the change to the event sink when the state changes.
  void set(StreamState state, std::string message = {}, std::string peer = {}) {
    bool changed = false;
    {
      std::lock_guard lock(mu_);
      changed = state != state_ || message != message_;
      // A stall is part of a connection: it keeps its start time and its peer.
      const bool live = state == StreamState::kConnected || state == StreamState::kStalled;
      const bool was_live = state_ == StreamState::kConnected || state_ == StreamState::kStalled;
      if (live && !was_live) {
        since_ms_ = core::steadyNowMs();
      }
      state_ = state;
      message_ = message;
      if (!peer.empty() || !live) {
        peer_ = peer;
      }
    }
    if (changed && sink_ != nullptr && *sink_) {
      (*sink_)(StateEvent{"state", kind_, id_, state, std::move(message), std::move(peer), {}, 0});
    }
  }
  /// Any thread: reports an event about this endpoint that is not a state change.
  void emit(std::string type, std::string message, std::string peer, std::string stream_id,
            int code = 0) const {
    if (sink_ != nullptr && *sink_) {
      (*sink_)(StateEvent{std::move(type), kind_, id_, StreamState::kStopped, std::move(message),
                          std::move(peer), std::move(stream_id), code});
    }
  }
  void setLocalPort(uint16_t p) { local_port_.store(p, std::memory_order_relaxed); }

  /// Any thread: copies the status into `out`.
  void fill(EndpointStats& out) const {
    std::lock_guard lock(mu_);
    out.state = state_;
    out.error_message = message_;
    out.peer = peer_;
    const bool live = state_ == StreamState::kConnected || state_ == StreamState::kStalled;
    out.uptime_ms = live ? core::steadyNowMs() - since_ms_ : 0;
    out.local_port = local_port_.load(std::memory_order_relaxed);
  }
  StreamState state() const {
    std::lock_guard lock(mu_);
    return state_;
  }

 private:
  const std::string kind_;
  const std::string id_;
  const EventSink* sink_;
  mutable std::mutex mu_;
  StreamState state_ = StreamState::kStopped;  // guarded by mu_
  std::string message_;                        // guarded by mu_
  std::string peer_;                           // guarded by mu_
  int64_t since_ms_ = 0;                       // guarded by mu_
  std::atomic<uint16_t> local_port_{0};
};

/// Counters of one endpoint, written on the hot path by one thread.
struct Counters {
  core::Counter packets;
  core::Counter bytes;
  core::Counter dropped;
  core::Counter truncated;
  core::Counter connects;
  core::Counter connect_attempts;
  core::Counter rejected;
  /// The SRT socket carrying data now, for statistics (kInvalidSocket when none).
  std::atomic<srt::SocketId> data_socket{srt::kInvalidSocket};
  /// libsrt's clock when data_socket connected (stored before it): no packet may be
  /// stamped with an earlier source time.
  std::atomic<int64_t> data_since_us{0};
};

/// Bitrate from successive samples of a byte counter (control thread only).
class RateMeter {
 public:
  double update(uint64_t bytes, int64_t now_ms) {
    double rate = 0;
    if (last_ms_ != 0 && now_ms > last_ms_ && bytes >= last_bytes_) {
      rate = static_cast<double>(bytes - last_bytes_) * 8000.0 / static_cast<double>(now_ms - last_ms_);
    }
    last_bytes_ = bytes;
    last_ms_ = now_ms;
    rate_ = rate;
    return rate;
  }
  double rate() const { return rate_; }

 private:
  uint64_t last_bytes_ = 0;
  int64_t last_ms_ = 0;
  double rate_ = 0;
};

}  // namespace srtgw::engine
