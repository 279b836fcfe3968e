#pragma once
// One batch of datagrams handed to one SRT socket, for the outputs that send SRT.

#include <cstdint>

#include "net/datagram_batch.hpp"
#include "srt/socket.hpp"

namespace srtgw::engine {

struct SrtBatchSent {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;  // libsrt's send buffer was full
  bool broken = false;   // the connection is gone; its owner notices and cleans up
};

/// Sends `batch` to `s`, each datagram stamped with sourceTime(batch, i, since_us). Once
/// libsrt says its send buffer is full, the rest of the batch is dropped without asking
/// again: libsrt reports a full buffer by throwing and catching an exception inside
/// srt_sendmsg2 (microseconds each), and the buffer frees space only as ACKs come back, not
/// within one batch. Asking for every datagram took a third of a core at 900 Mbps just when
/// libsrt's sender thread, which empties the buffer, needed that CPU (bench/RESULTS.md).
/// The input's thread; never blocks, allocates or logs.
SrtBatchSent sendBatch(srt::SocketId s, const net::DatagramBatch& batch, int64_t since_us) noexcept;

}  // namespace srtgw::engine
