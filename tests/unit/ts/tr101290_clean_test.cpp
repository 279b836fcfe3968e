// Clean streams: no indicator may fire; services, PIDs and bitrates must be reported.

#include <random>

#include "analyzer_test_support.hpp"

namespace srtgw::ts::testing {
namespace {

TEST(Tr101290Clean, GeneratedStreamHasNoErrorOnAnyIndicator) {
  GeneratorConfig cfg;
  cfg.duration_ns = 12'000'000'000;  // longer than the 5 s PID timeout
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  feed(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_TRUE(snap.is_ts);
  EXPECT_TRUE(snap.in_sync);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  EXPECT_EQ(snap.alarm_count, 0);
  EXPECT_EQ(snap.worst_active_priority, 0);
  EXPECT_EQ(snap.packets_received, s.size());
  EXPECT_GT(snap.sections.pat, 100U);
  EXPECT_GT(snap.sections.pmt, 100U);
  EXPECT_GT(snap.sections.sdt, 20U);
  EXPECT_EQ(snap.sections.crc_errors, 0U);
}

TEST(Tr101290Clean, ReportsServicesAndCodecs) {
  GeneratorConfig cfg;
  cfg.service_name = "Channel One";
  cfg.provider_name = "Acme";
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  feed(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  ASSERT_EQ(snap.programs.size(), 1U);
  const ProgramSnapshot& p = snap.programs[0];
  EXPECT_EQ(p.program_number, 1);
  EXPECT_EQ(p.pmt_pid, 0x100);
  EXPECT_TRUE(p.pmt_seen);
  EXPECT_EQ(p.pcr_pid, 0x101);
  EXPECT_TRUE(p.in_sdt);
  EXPECT_EQ(p.service_name, "Channel One");
  EXPECT_EQ(p.provider_name, "Acme");
  EXPECT_EQ(p.service_type, 1);
  ASSERT_EQ(p.streams.size(), 2U);
  EXPECT_EQ(p.streams[0].pid, 0x101);
  EXPECT_EQ(p.streams[0].codec, "H.264");
  EXPECT_EQ(p.streams[0].kind, StreamKind::kVideo);
  EXPECT_EQ(p.streams[1].pid, 0x102);
  EXPECT_EQ(p.streams[1].codec, "AAC (ADTS)");
  EXPECT_EQ(p.streams[1].kind, StreamKind::kAudio);
  EXPECT_EQ(p.streams[1].language, "eng");
  EXPECT_EQ(snap.transport_stream_id, 1);
}

TEST(Tr101290Clean, ReportsPidsAndBitrates) {
  GeneratorConfig cfg;
  cfg.bitrate_bps = 8'000'000;
  cfg.video_bps = 4'000'000;
  cfg.duration_ns = 4'000'000'000;
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  feed(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  const auto near = [](uint64_t got, double want, double tol) {
    return std::abs(static_cast<double>(got) - want) <= want * tol;
  };
  EXPECT_TRUE(near(snap.total_bitrate_bps, 8e6, 0.01)) << snap.total_bitrate_bps;
  std::map<uint16_t, PidSnapshot> by_pid;
  for (const PidSnapshot& p : snap.pids) {
    by_pid[p.pid] = p;
  }
  ASSERT_EQ(by_pid.count(0), 1U);
  EXPECT_EQ(by_pid[0].description, "PAT");
  EXPECT_EQ(by_pid[0].kind, StreamKind::kPsi);
  EXPECT_EQ(by_pid[0x100].description, "PMT");
  EXPECT_EQ(by_pid[0x11].description, "SDT/BAT");
  EXPECT_EQ(by_pid[0x101].description, "H.264");
  EXPECT_TRUE(by_pid[0x101].carries_pcr);
  EXPECT_TRUE(by_pid[0x101].referenced);
  EXPECT_EQ(by_pid[0x102].kind, StreamKind::kAudio);
  EXPECT_EQ(by_pid[kNullPid].kind, StreamKind::kNull);
  // Video payload plus PES/adaptation overhead; audio likewise.
  EXPECT_TRUE(near(by_pid[0x101].bitrate_bps, 4e6 * 188 / 184, 0.05)) << by_pid[0x101].bitrate_bps;
  // Each 576-byte audio PES takes 4 packets every 24 ms.
  EXPECT_TRUE(near(by_pid[0x102].bitrate_bps, 4 * 1504 / 0.024, 0.02)) << by_pid[0x102].bitrate_bps;
  uint64_t sum = 0;
  for (const PidSnapshot& p : snap.pids) {
    sum += p.bitrate_bps;
    EXPECT_EQ(p.cc_errors, 0U);
    EXPECT_FALSE(p.scrambled);
  }
  EXPECT_TRUE(near(sum, 8e6, 0.01)) << sum;
  EXPECT_EQ(snap.null_bitrate_bps, by_pid[kNullPid].bitrate_bps);
  EXPECT_GT(snap.null_bitrate_bps, 2'000'000U);
}

TEST(Tr101290Clean, DatagramsOfSevenPacketsGiveTheSameVerdict) {
  GeneratorConfig cfg;
  cfg.duration_ns = 6'000'000'000;
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  feedDatagrams(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_TRUE(snap.is_ts);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  EXPECT_EQ(snap.datagrams, (s.size() + 6) / 7);
  EXPECT_EQ(snap.bytes_discarded, 0U);
}

TEST(Tr101290Clean, HighBitrateStreamIsClean) {
  GeneratorConfig cfg;
  cfg.bitrate_bps = 20'000'000;
  cfg.video_bps = 16'000'000;
  cfg.duration_ns = 3'000'000'000;
  Tr101290Analyzer a;
  feedDatagrams(a, generateStream(cfg));
  EXPECT_EQ(nonZero(a.snapshot()), (std::map<std::string, uint64_t>{}));
}

TEST(Tr101290Clean, RtpHeaderInFrontOfThePacketsIsSkipped) {
  GeneratorConfig cfg;
  cfg.duration_ns = 2'000'000'000;
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  std::vector<uint8_t> buf;
  for (size_t i = 0; i + 7 <= s.size(); i += 7) {
    buf.assign(12, 0x80);  // an RTP header
    for (size_t k = i; k < i + 7; ++k) {
      buf.insert(buf.end(), s.packets[k].bytes, s.packets[k].bytes + kPacketSize);
    }
    a.onDatagram(buf.data(), buf.size(), s.arrival_ns[i]);
  }
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_TRUE(snap.is_ts);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  EXPECT_EQ(snap.bytes_discarded, 12 * snap.datagrams);
}

TEST(Tr101290Clean, RandomPayloadIsNotTsAndRaisesNothing) {
  std::mt19937 rng(42);
  Tr101290Analyzer a;
  std::vector<uint8_t> buf(1316);
  int64_t t = 1'000'000'000;
  for (int d = 0; d < 2000; ++d) {
    for (auto& b : buf) {
      b = static_cast<uint8_t>(rng());
    }
    a.onDatagram(buf.data(), buf.size(), t);
    t += 1'000'000;
  }
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_FALSE(snap.is_ts);
  EXPECT_EQ(snap.detection, TsDetection::kNotTs);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  EXPECT_EQ(snap.alarm_count, 0);
  EXPECT_TRUE(snap.programs.empty());
  EXPECT_TRUE(snap.pids.empty());
  EXPECT_GT(snap.total_bitrate_bps, 10'000'000U);  // 1316 bytes per ms
}

TEST(Tr101290Clean, OddSizedDatagramsAreNotTs) {
  Tr101290Analyzer a;
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(1000);
  for (int d = 0; d < 200; ++d) {
    for (auto& b : buf) {
      b = static_cast<uint8_t>(rng());
    }
    buf[0] = 0x47;
    a.onDatagram(buf.data(), buf.size(), 1'000'000'000 + d * 1'000'000);
  }
  EXPECT_NE(a.snapshot().detection, TsDetection::kTs);
}

TEST(Tr101290Clean, IdleInputIsNotAnError) {
  GeneratorConfig cfg;
  cfg.duration_ns = 2'000'000'000;
  TsStream s = generateStream(cfg);
  // The same stream again after 10 s of silence, as when an encoder restarts.
  cfg.start_ns = s.arrival_ns.back() + 10'000'000'000;
  const TsStream again = generateStream(cfg);
  Tr101290Analyzer a;
  feed(a, s);
  for (int64_t k = 1; k <= 100; ++k) {
    a.tick(s.arrival_ns.back() + k * 100'000'000);
  }
  AnalysisSnapshot snap = a.snapshot();
  EXPECT_TRUE(snap.idle);
  EXPECT_EQ(snap.total_bitrate_bps, 0U);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  feed(a, again);
  snap = a.snapshot();
  EXPECT_FALSE(snap.idle);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
}

// The engine dates each datagram by when the kernel received it, and the analyzer thread
// ticks on its own clock every few ms. A datagram the input read late (its read hold, or a
// descheduled worker) reaches the analyzer after a tick past its arrival: it must keep its
// arrival time. Clamped to the tick, every fourth PCR here would come 45 ms after the one
// before and raise 2.3a (the CI failure of TsAnalysis.CleanFfmpegStreamHasServicesAndNoErrors).
TEST(Tr101290Clean, PacketsReadAfterATickKeepTheirArrivalTime) {
  GeneratorConfig cfg;
  cfg.duration_ns = 2'000'000'000;
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  int pcrs = 0;
  int late_reads = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (pcrOf(s, i) >= 0 && ++pcrs % 4 == 0) {
      a.tick(s.arrival_ns[i] + 20'000'000);  // the analyzer's clock, 20 ms ahead
      ++late_reads;
    }
    a.onPacket(s.packets[i].bytes, s.arrival_ns[i]);
  }
  ASSERT_GE(late_reads, 15);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  EXPECT_GE(snap.now_ns, s.arrival_ns.back()) << "ticks still advance the clock";
}

TEST(Tr101290Clean, ResetForgetsEverything) {
  GeneratorConfig cfg;
  cfg.duration_ns = 1'000'000'000;
  TsStream s = generateStream(cfg);
  s.packets[100].bytes[1] |= 0x80;  // TEI
  Tr101290Analyzer a;
  feed(a, s);
  EXPECT_EQ(a.errorCount(Indicator::kTransportError), 1U);
  a.reset();
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_EQ(snap.packets_received, 0U);
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  EXPECT_TRUE(snap.programs.empty());
  EXPECT_EQ(snap.detection, TsDetection::kUnknown);
}

}  // namespace
}  // namespace srtgw::ts::testing
