#include <fmt/format.h>

#include "srt/stats_mapping.hpp"

namespace srtgw::srt {

SrtLinkStats mapLinkStats(const SRT_TRACEBSTATS& s) {
  SrtLinkStats o;
  o.rtt_ms = s.msRTT;
  o.bandwidth_mbps = s.mbpsBandwidth;
  o.send_rate_mbps = s.mbpsSendRate;
  o.recv_rate_mbps = s.mbpsRecvRate;
  o.packets_sent = s.pktSentTotal;
  o.packets_received = s.pktRecvTotal;
  o.bytes_sent = static_cast<int64_t>(s.byteSentTotal);
  o.bytes_received = static_cast<int64_t>(s.byteRecvTotal);
  o.packets_sent_lost = s.pktSndLossTotal;
  o.packets_received_lost = s.pktRcvLossTotal;
  o.packets_retransmitted = s.pktRetransTotal;
  o.packets_received_retransmitted = s.pktRcvRetrans;  // never cleared (clear=0): cumulative
  o.packets_sent_dropped = s.pktSndDropTotal;
  o.packets_received_dropped = s.pktRcvDropTotal;
  o.packets_received_belated = s.pktRcvBelated;
  o.packets_received_undecrypted = s.pktRcvUndecryptTotal;
  o.fec_extra_sent = s.pktSndFilterExtraTotal;
  o.fec_extra_received = s.pktRcvFilterExtraTotal;
  o.fec_recovered = s.pktRcvFilterSupplyTotal;
  o.fec_uncovered_loss = s.pktRcvFilterLossTotal;
  o.flow_window = s.pktFlowWindow;
  o.congestion_window = s.pktCongestionWindow;
  o.flight_size = s.pktFlightSize;
  o.send_buffer_ms = s.msSndBuf;
  o.receive_buffer_ms = s.msRcvBuf;
  o.send_buffer_bytes = s.byteSndBuf;
  o.receive_buffer_bytes = s.byteRcvBuf;
  o.send_buffer_packets = s.pktSndBuf;
  o.receive_buffer_packets = s.pktRcvBuf;
  o.send_buffer_available_bytes = s.byteAvailSndBuf;
  o.receive_buffer_available_bytes = s.byteAvailRcvBuf;
  o.send_latency_ms = s.msSndTsbPdDelay;
  o.receive_latency_ms = s.msRcvTsbPdDelay;
  o.reorder_tolerance = s.pktReorderTolerance;
  return o;
}

bool readAckProgress(SocketId s, AckProgress& out) {
  SRT_TRACEBSTATS raw{};
  if (srt_bstats(s, &raw, 0) == SRT_ERROR) {
    return false;
  }
  out.acks_received = raw.pktRecvACKTotal;
  out.unacked_packets = raw.pktSndBuf;
  return true;
}

core::Result<SrtLinkStats> readLinkStats(SocketId s) {
  SRT_TRACEBSTATS raw{};
  if (srt_bstats(s, &raw, 0) == SRT_ERROR) {
    return core::makeError(core::Errc::kSrt, fmt::format("srt_bstats: {}", srt_getlasterror_str()));
  }
  return mapLinkStats(raw);
}

}  // namespace srtgw::srt
