#include "engine/srt_caller_output.hpp"

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
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;
  const int n = batch.size();
  const int64_t since = counters_.data_since_us.load(std::memory_order_relaxed);
  for (int i = 0; i < n; ++i) {
    auto st = srt::sendMessage(s, batch.data(i), batch.length(i), sourceTime(batch, i, since));
    if (st == srt::SendStatus::kSent) {
      ++packets;
      bytes += static_cast<uint64_t>(batch.length(i));
    } else if (st == srt::SendStatus::kFull) {
      ++dropped;
    } else {
      break;  // the connection is gone; the worker sees it and reconnects
    }
  }
  counters_.packets.add(packets);
  counters_.bytes.add(bytes);
  counters_.dropped.add(dropped);
}

}  // namespace srtgw::engine
