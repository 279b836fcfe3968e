#include <gtest/gtest.h>

#include "srt/stats_mapping.hpp"

namespace srtgw::srt {
namespace {

TEST(StatsMapping, EveryFieldComesFromItsOwnSource) {
  SRT_TRACEBSTATS raw{};
  raw.msRTT = 12.5;
  raw.mbpsBandwidth = 900.25;
  raw.mbpsSendRate = 10.5;
  raw.mbpsRecvRate = 9.5;
  raw.pktSentTotal = 101;
  raw.pktRecvTotal = 102;
  raw.byteSentTotal = 103;
  raw.byteRecvTotal = 104;
  raw.pktSndLossTotal = 105;
  raw.pktRcvLossTotal = 106;
  raw.pktRetransTotal = 107;
  raw.pktRcvRetrans = 108;
  raw.pktSndDropTotal = 109;
  raw.pktRcvDropTotal = 110;
  raw.pktRcvBelated = 111;
  raw.pktRcvUndecryptTotal = 112;
  raw.pktSndFilterExtraTotal = 113;
  raw.pktRcvFilterExtraTotal = 114;
  raw.pktRcvFilterSupplyTotal = 115;
  raw.pktRcvFilterLossTotal = 116;
  raw.pktFlowWindow = 117;
  raw.pktCongestionWindow = 118;
  raw.pktFlightSize = 119;
  raw.msSndBuf = 120;
  raw.msRcvBuf = 121;
  raw.byteSndBuf = 122;
  raw.byteRcvBuf = 123;
  raw.pktSndBuf = 124;
  raw.pktRcvBuf = 125;
  raw.byteAvailSndBuf = 126;
  raw.byteAvailRcvBuf = 127;
  raw.msSndTsbPdDelay = 128;
  raw.msRcvTsbPdDelay = 129;
  raw.pktReorderTolerance = 130;

  SrtLinkStats s = mapLinkStats(raw);
  EXPECT_DOUBLE_EQ(s.rtt_ms, 12.5);
  EXPECT_DOUBLE_EQ(s.bandwidth_mbps, 900.25);
  EXPECT_DOUBLE_EQ(s.send_rate_mbps, 10.5);
  EXPECT_DOUBLE_EQ(s.recv_rate_mbps, 9.5);
  EXPECT_EQ(s.packets_sent, 101);
  EXPECT_EQ(s.packets_received, 102);
  EXPECT_EQ(s.bytes_sent, 103);
  EXPECT_EQ(s.bytes_received, 104);
  EXPECT_EQ(s.packets_sent_lost, 105);
  EXPECT_EQ(s.packets_received_lost, 106);
  EXPECT_EQ(s.packets_retransmitted, 107);
  EXPECT_EQ(s.packets_received_retransmitted, 108);
  EXPECT_EQ(s.packets_sent_dropped, 109);
  EXPECT_EQ(s.packets_received_dropped, 110);
  EXPECT_EQ(s.packets_received_belated, 111);
  EXPECT_EQ(s.packets_received_undecrypted, 112);
  EXPECT_EQ(s.fec_extra_sent, 113);
  EXPECT_EQ(s.fec_extra_received, 114);
  EXPECT_EQ(s.fec_recovered, 115);
  EXPECT_EQ(s.fec_uncovered_loss, 116);
  EXPECT_EQ(s.flow_window, 117);
  EXPECT_EQ(s.congestion_window, 118);
  EXPECT_EQ(s.flight_size, 119);
  EXPECT_EQ(s.send_buffer_ms, 120);
  EXPECT_EQ(s.receive_buffer_ms, 121);
  EXPECT_EQ(s.send_buffer_bytes, 122);
  EXPECT_EQ(s.receive_buffer_bytes, 123);
  EXPECT_EQ(s.send_buffer_packets, 124);
  EXPECT_EQ(s.receive_buffer_packets, 125);
  EXPECT_EQ(s.send_buffer_available_bytes, 126);
  EXPECT_EQ(s.receive_buffer_available_bytes, 127);
  EXPECT_EQ(s.send_latency_ms, 128);
  EXPECT_EQ(s.receive_latency_ms, 129);
  EXPECT_EQ(s.reorder_tolerance, 130);
}

TEST(StatsMapping, ReadingAClosedSocketIsAnError) {
  EXPECT_FALSE(readLinkStats(123456).ok());
}

}  // namespace
}  // namespace srtgw::srt
