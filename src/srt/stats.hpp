#pragma once
// libsrt's statistics as named numeric fields (never a text dump).

#include <cstdint>

#include "core/result.hpp"
#include "srt/socket.hpp"

namespace srtgw::srt {

struct SrtLinkStats {
  double rtt_ms = 0;
  double bandwidth_mbps = 0;  // estimated link bandwidth
  double send_rate_mbps = 0;
  double recv_rate_mbps = 0;
  int64_t packets_sent = 0;
  int64_t packets_received = 0;
  int64_t bytes_sent = 0;
  int64_t bytes_received = 0;
  int64_t packets_sent_lost = 0;      // reported lost by the receiver (NAKs)
  int64_t packets_received_lost = 0;  // gaps detected on receive
  int64_t packets_retransmitted = 0;
  int64_t packets_received_retransmitted = 0;
  int64_t packets_sent_dropped = 0;      // too late to send
  int64_t packets_received_dropped = 0;  // too late to play (TLPKTDROP)
  int64_t packets_received_belated = 0;
  int64_t packets_received_undecrypted = 0;
  int64_t fec_extra_sent = 0;
  int64_t fec_extra_received = 0;
  int64_t fec_recovered = 0;
  int64_t fec_uncovered_loss = 0;
  int64_t flow_window = 0;
  int64_t congestion_window = 0;
  int64_t flight_size = 0;
  int64_t send_buffer_ms = 0;
  int64_t receive_buffer_ms = 0;
  int64_t send_buffer_bytes = 0;
  int64_t receive_buffer_bytes = 0;
  int64_t send_buffer_packets = 0;
  int64_t receive_buffer_packets = 0;
  int64_t send_buffer_available_bytes = 0;
  int64_t receive_buffer_available_bytes = 0;
  int64_t send_latency_ms = 0;     // negotiated TSBPD delay toward the peer
  int64_t receive_latency_ms = 0;  // negotiated TSBPD delay of what we receive
  int64_t reorder_tolerance = 0;

  bool operator==(const SrtLinkStats&) const = default;
};

/// What a sender needs to see whether its peer still answers.
struct AckProgress {
  int64_t acks_received = 0;    // ACKs from the peer since the connection began
  int64_t unacked_packets = 0;  // packets in the send buffer, waiting for an ACK
};

/// Any thread: reads the ACK progress of a sending socket (false when the socket is gone).
/// No allocation: it is called from worker ticks.
bool readAckProgress(SocketId s, AckProgress& out);

/// Any thread: reads libsrt's cumulative statistics of one socket.
core::Result<SrtLinkStats> readLinkStats(SocketId s);

}  // namespace srtgw::srt
