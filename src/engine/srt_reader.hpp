#pragma once
// Reads what an SRT socket has ready into a batch, without blocking.

#include "net/datagram_batch.hpp"
#include "srt/socket.hpp"

namespace srtgw::engine {

/// Fills `batch` with up to its capacity of messages. Returns false when the connection is
/// gone (what was read before that is still in the batch).
inline bool readSrtBatch(srt::SocketId s, net::DatagramBatch& batch) {
  int count = 0;
  bool alive = true;
  while (count < net::DatagramBatch::kCapacity) {
    int n = srt::recvMessage(s, batch.slot(count), net::DatagramBatch::kSlotSize);
    if (n > 0) {
      batch.setLength(count, n);
      ++count;
    } else {
      alive = n == 0;
      break;
    }
  }
  batch.setSize(count);
  return alive;
}

}  // namespace srtgw::engine
