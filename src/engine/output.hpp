#pragma once
// An output of one input. The input's thread calls send() for every batch it reads; an
// output never blocks it: what it cannot take now it drops and counts, alone.

#include <memory>
#include <vector>

#include "engine/spec.hpp"
#include "engine/status.hpp"
#include "net/datagram_batch.hpp"

namespace srtgw::engine {

/// The source time an SRT output stamps datagram i with: when it arrived, but never
/// earlier than `since_us`, the time its connection was made (libsrt rejects that, and
/// says so in its log); 0 (stamp it now) when the batch carries no times.
inline int64_t sourceTime(const net::DatagramBatch& batch, int i, int64_t since_us) noexcept {
  if (!batch.timed()) {
    return 0;
  }
  const int64_t t = batch.sourceTimeUs(i);
  if (t == 0) {
    return 0;
  }
  return t > since_us ? t : since_us;
}

class Output {
 public:
  Output(OutputSpec spec, const EventSink* sink)
      : spec_(std::move(spec)), status_("output", spec_.id, sink) {}
  virtual ~Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Control thread: opens sockets; SRT outputs register with their worker.
  virtual core::Result<void> start() = 0;
  /// Control thread: closes everything; start() may be called again afterwards.
  virtual void stop() = 0;
  /// The input's thread, per batch. Never blocks, never allocates, never logs.
  virtual void send(net::DatagramBatch& batch) noexcept = 0;
  /// Control thread.
  virtual void fillStats(EndpointStats& out, int64_t now_ms);

  const OutputSpec& spec() const { return spec_; }

 protected:
  OutputSpec spec_;
  Status status_;
  Counters counters_;
  RateMeter rate_;
};

/// The outputs of one input: an immutable snapshot, replaced whole on every change.
struct OutputSet {
  std::vector<std::shared_ptr<Output>> outputs;
  /// How long a UDP input is left unread after a read that found data (engine/udp_coalesce.hpp).
  int read_hold_us = 0;
};

/// Creates the right kind of output for the spec (not started).
std::shared_ptr<Output> makeOutput(const OutputSpec& spec, class SrtWorker& manager,
                                   const EventSink* sink);

}  // namespace srtgw::engine
