#include "engine/srt_caller_output.hpp"

#include "engine/srt_batch_send.hpp"

namespace srtgw::engine {

core::Result<void> SrtCallerOutput::start() {
  auto r = manager_.call([this] { return connector_.start(); });
  started_ = r.ok();
  return r;
}

void SrtCallerOutput::stop() {
  if (started_) {
    manager_.call([this] { connector_.stop(); });
    started_ = false;
    status_.set(StreamState::kStopped);
  }
}

void SrtCallerOutput::send(net::DatagramBatch& batch) noexcept {
  const srt::SocketId s = counters_.data_socket.load(std::memory_order_acquire);
  if (s == srt::kInvalidSocket) {
    return;  // not connected: nothing is sent, nothing is owed
  }
  // A broken connection is the worker's to see and redial; nothing more to do here.
  const SrtBatchSent sent = sendBatch(s, batch, counters_.data_since_us.load(std::memory_order_relaxed));
  counters_.packets.add(sent.packets);
  counters_.bytes.add(sent.bytes);
  counters_.dropped.add(sent.dropped);
}

}  // namespace srtgw::engine
