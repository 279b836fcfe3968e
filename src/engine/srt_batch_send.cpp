#include "engine/srt_batch_send.hpp"

#include "engine/output.hpp"

namespace srtgw::engine {

SrtBatchSent sendBatch(srt::SocketId s, const net::DatagramBatch& batch, int64_t since_us) noexcept {
  SrtBatchSent r;
  const int n = batch.size();
  for (int i = 0; i < n; ++i) {
    auto st = srt::sendMessage(s, batch.data(i), batch.length(i), sourceTime(batch, i, since_us));
    if (st == srt::SendStatus::kSent) {
      ++r.packets;
      r.bytes += static_cast<uint64_t>(batch.length(i));
    } else if (st == srt::SendStatus::kFull) {
      r.dropped += static_cast<uint64_t>(n - i);
      break;
    } else {
      r.broken = true;
      break;
    }
  }
  return r;
}

}  // namespace srtgw::engine
