// Each injected error must raise its indicator, the expected number of times, and nothing
// else. The stream: 5 Mb/s, PAT+PMT every 100 ms, PCR every 25 ms on the video PID 0x101,
// audio PID 0x102, SDT every 500 ms (see ts_generator.hpp).

#include <random>

#include "analyzer_test_support.hpp"

namespace srtgw::ts::testing {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSecond = 1'000'000'000;
constexpr uint16_t kVideo = 0x101;
constexpr uint16_t kAudio = 0x102;
constexpr uint16_t kPmt = 0x100;

using Counts = std::map<std::string, uint64_t>;

class Tr101290Errors : public ::testing::Test {
 protected:
  Tr101290Errors() {
    cfg_.duration_ns = 4 * kSecond;
    stream_ = generateStream(cfg_);
  }

  int64_t at(int64_t offset_ns) const { return cfg_.start_ns + offset_ns; }

  // Index of the first packet at or after a time.
  size_t indexAt(int64_t offset_ns) const {
    const auto it =
        std::lower_bound(stream_.arrival_ns.begin(), stream_.arrival_ns.end(), at(offset_ns));
    return static_cast<size_t>(it - stream_.arrival_ns.begin());
  }

  // Payload packets of a PID, not starting a PES or section, from a time on.
  std::vector<size_t> plainPackets(uint16_t pid, int64_t from_ns) const {
    std::vector<size_t> out;
    for (const size_t i : packetsOf(stream_, pid)) {
      if (stream_.arrival_ns[i] >= at(from_ns) && !stream_.packets[i].payloadUnitStart() &&
          !stream_.packets[i].hasPcr()) {
        out.push_back(i);
      }
    }
    return out;
  }

  std::vector<size_t> pusiPackets(uint16_t pid) const {
    std::vector<size_t> out;
    for (const size_t i : packetsOf(stream_, pid)) {
      if (stream_.packets[i].payloadUnitStart()) {
        out.push_back(i);
      }
    }
    return out;
  }

  AnalysisSnapshot analyze(AnalyzerConfig config = {}) {
    Tr101290Analyzer a(config);
    feed(a, stream_);
    return a.snapshot();
  }

  GeneratorConfig cfg_;
  TsStream stream_;
};

TEST_F(Tr101290Errors, DroppedPacketsGiveOneContinuityErrorEach) {
  const auto idx = plainPackets(kAudio, kSecond);
  std::vector<size_t> drop;
  for (size_t k = 0; k < 5; ++k) {
    drop.push_back(idx[k * 10]);
  }
  erase(stream_, drop);
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), (Counts{{key(Indicator::kContinuityCountError), 5}}));
  for (const PidSnapshot& p : snap.pids) {
    EXPECT_EQ(p.cc_errors, p.pid == kAudio ? 5U : 0U) << p.pid;
  }
}

TEST_F(Tr101290Errors, OneDuplicateIsLegalAThirdCopyIsNot) {
  const size_t i = plainPackets(kAudio, kSecond)[3];
  TsStream original = stream_;
  duplicate(stream_, i, 1);
  EXPECT_EQ(nonZero(analyze()), Counts{});
  stream_ = original;
  duplicate(stream_, i, 2);
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kContinuityCountError), 1}}));
}

TEST_F(Tr101290Errors, DuplicatedSectionPacketIsNotParsedTwice) {
  duplicate(stream_, pusiPackets(kPmt)[4], 1);
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), Counts{});
}

TEST_F(Tr101290Errors, DiscontinuityIndicatorMakesACounterJumpLegal) {
  // Drop audio packets, and flag the next one as a discontinuity.
  auto idx = plainPackets(kAudio, kSecond);
  TsPacket& next = stream_.packets[idx[1]];
  // Turn its payload-only header into adaptation field (discontinuity) + payload.
  next.bytes[3] = static_cast<uint8_t>(0x30 | (next.bytes[3] & 0x0F));
  next.bytes[4] = 1;
  next.bytes[5] = 0x80;
  erase(stream_, {idx[0]});
  EXPECT_EQ(nonZero(analyze()), Counts{});
}

TEST_F(Tr101290Errors, PatMissingForOneSecond) {
  replaceWithNull(stream_, kPidPat, at(kSecond), at(2 * kSecond));
  const AnalysisSnapshot snap = analyze();
  const Counts got = nonZero(snap);
  ASSERT_EQ(got.size(), 1U) << ::testing::PrintToString(got);
  // 1.1 s between PATs: due at 0.5 s, and again 0.5 s later.
  EXPECT_EQ(snap[Indicator::kPatError].count, 2U);
  // The last PAT before the gap left at 0.9 s; the error fires 0.5 s later.
  EXPECT_NEAR(static_cast<double>(snap[Indicator::kPatError].first_ns),
              static_cast<double>(at(1400 * kMs)), 1e6);
}

TEST_F(Tr101290Errors, PatMissingKeepsTheIndicatorActive) {
  replaceWithNull(stream_, kPidPat, at(kSecond), at(10 * kSecond));
  Tr101290Analyzer a;
  feed(a, stream_);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_TRUE(snap[Indicator::kPatError].active);
  EXPECT_EQ(snap.worst_active_priority, 1);
  EXPECT_EQ(snap.alarm_count, 1);
  EXPECT_GE(snap[Indicator::kPatError].count, 5U);  // once per 0.5 s for 3 s
}

TEST_F(Tr101290Errors, OtherTableOnPid0IsPatError) {
  stream_.packets[pusiPackets(kPidPat)[10]].bytes[5] = 0x02;  // table_id of the PAT section
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kPatError), 1}}));
}

TEST_F(Tr101290Errors, ScrambledPatIsPatErrorAndCatError) {
  stream_.packets[pusiPackets(kPidPat)[10]].bytes[3] |= 0x80;
  EXPECT_EQ(nonZero(analyze()),
            (Counts{{key(Indicator::kPatError), 1}, {key(Indicator::kCatError), 1}}));
}

TEST_F(Tr101290Errors, PmtMissingForOneSecond) {
  replaceWithNull(stream_, kPmt, at(kSecond), at(2 * kSecond));
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kPmtError), 2}}));
}

TEST_F(Tr101290Errors, ScrambledPmtIsPmtError) {
  stream_.packets[pusiPackets(kPmt)[10]].bytes[3] |= 0xC0;
  EXPECT_EQ(nonZero(analyze()),
            (Counts{{key(Indicator::kPmtError), 1}, {key(Indicator::kCatError), 1}}));
}

TEST_F(Tr101290Errors, PidThatDisappearsIsPidError) {
  cfg_.duration_ns = 9 * kSecond;
  stream_ = generateStream(cfg_);
  replaceWithNull(stream_, kAudio, at(2 * kSecond), at(100 * kSecond));
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(snap[Indicator::kPidError].count, 1U);
  EXPECT_TRUE(snap[Indicator::kPidError].active);  // still missing
  // The last audio PES was still arriving after its PTS: one PTS_error, not one per 0.7 s.
  EXPECT_LE(snap[Indicator::kPtsError].count, 1U);
  Counts got = nonZero(snap);
  got.erase(key(Indicator::kPidError));
  got.erase(key(Indicator::kPtsError));
  EXPECT_EQ(got, Counts{});
}

TEST_F(Tr101290Errors, PidTimeoutIsConfigurable) {
  replaceWithNull(stream_, kAudio, at(kSecond), at(100 * kSecond));
  AnalyzerConfig config;
  config.pid_timeout_ns = 1 * kSecond;
  EXPECT_GE(analyze(config)[Indicator::kPidError].count, 2U);
  EXPECT_EQ(analyze()[Indicator::kPidError].count, 0U);
}

TEST_F(Tr101290Errors, TransportErrorIndicator) {
  const auto idx = plainPackets(kAudio, 3 * kSecond);
  for (size_t k = 0; k < 3; ++k) {
    stream_.packets[idx[k * 7]].bytes[1] |= 0x80;
  }
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), (Counts{{key(Indicator::kTransportError), 3}}));
  EXPECT_EQ(snap[Indicator::kTransportError].priority, 2);
  EXPECT_EQ(snap.worst_active_priority, 2);
}

TEST_F(Tr101290Errors, CorruptPmtCrc) {
  corruptSection(stream_, pusiPackets(kPmt)[7]);
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), (Counts{{key(Indicator::kCrcError), 1}}));
  EXPECT_EQ(snap.sections.crc_errors, 1U);
}

TEST_F(Tr101290Errors, CorruptSdtAndPatCrc) {
  corruptSection(stream_, pusiPackets(kPidSdtBat)[2]);
  corruptSection(stream_, pusiPackets(kPidPat)[20]);
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kCrcError), 2}}));
}

TEST_F(Tr101290Errors, TwoBadSectionsInOnePacketCountOnce) {
  std::vector<uint8_t> two = makeLongSection(0x00, 1, 0, {0x00, 0x01, 0xE1, 0x00});
  two.insert(two.end(), two.begin(), two.end());
  two[9] ^= 1;
  two[16 + 9] ^= 1;
  uint8_t cc = 0;
  const size_t i = pusiPackets(kPidPat)[10];
  cc = static_cast<uint8_t>((stream_.packets[i].continuityCounter() + 15) & 0x0F);
  stream_.packets[i] = packetizeSections(kPidPat, two, cc)[0];
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kCrcError), 1}}));
}

TEST_F(Tr101290Errors, PcrsHeldBack) {
  stripPcr(stream_, kVideo, at(kSecond), at(kSecond + 60 * kMs));
  const AnalysisSnapshot snap = analyze();
  const Counts got = nonZero(snap);
  ASSERT_EQ(got.size(), 1U) << ::testing::PrintToString(got);
  EXPECT_GE(snap[Indicator::kPcrRepetitionError].count, 1U);
}

TEST_F(Tr101290Errors, PcrJumpForward) {
  shiftPcr(stream_, kVideo, at(1500 * kMs), 27'000'000 / 2);
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kPcrDiscontinuityIndicatorError), 1}}));
}

TEST_F(Tr101290Errors, PcrGoingBackwards) {
  shiftPcr(stream_, kVideo, at(1500 * kMs), -27'000'000 / 10);
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kPcrDiscontinuityIndicatorError), 1}}));
}

TEST_F(Tr101290Errors, PcrJumpWithDiscontinuityIndicatorIsLegal) {
  shiftPcr(stream_, kVideo, at(1500 * kMs), 27'000'000 / 2);
  for (size_t i = indexAt(1500 * kMs); i < stream_.size(); ++i) {
    if (stream_.packets[i].pid() == kVideo && stream_.packets[i].hasPcr()) {
      stream_.packets[i].bytes[5] |= 0x80;
      break;
    }
  }
  EXPECT_EQ(nonZero(analyze()), Counts{});
}

TEST_F(Tr101290Errors, OneMisplacedPcrIsAnAccuracyError) {
  std::vector<size_t> pcrs;
  for (size_t i = indexAt(2 * kSecond); i < stream_.size() && pcrs.size() < 2; ++i) {
    if (stream_.packets[i].pid() == kVideo && stream_.packets[i].hasPcr()) {
      pcrs.push_back(i);
    }
  }
  const int64_t off = 20 * 27'000;  // 20 ms in 27 MHz ticks
  shiftPcr(stream_, kVideo, stream_.arrival_ns[pcrs[0]], off);
  shiftPcr(stream_, kVideo, stream_.arrival_ns[pcrs[1]], -off);
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kPcrAccuracyError), 1}}));
}

TEST_F(Tr101290Errors, ArrivalJitterOfLoopbackSizeIsNoAccuracyError) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int64_t> jitter(0, 3 * kMs);
  int64_t last = 0;
  for (auto& t : stream_.arrival_ns) {
    t = std::max(last, t + jitter(rng));
    last = t;
  }
  EXPECT_EQ(nonZero(analyze()), Counts{});
}

TEST_F(Tr101290Errors, PtsGap) {
  stripPts(stream_, kAudio, at(kSecond), at(2 * kSecond));
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kPtsError), 1}}));
}

TEST_F(Tr101290Errors, ScrambledPacketsWithoutCat) {
  const auto idx = plainPackets(kAudio, kSecond);
  for (size_t k = 0; k < 5; ++k) {
    stream_.packets[idx[k * 3]].bytes[3] |= 0x80;
  }
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), (Counts{{key(Indicator::kCatError), 5}}));
}

TEST_F(Tr101290Errors, ScrambledPacketsWithCatAreFine) {
  cfg_.with_cat = true;
  stream_ = generateStream(cfg_);
  const auto idx = plainPackets(kAudio, kSecond);
  for (size_t k = 0; k < 5; ++k) {
    stream_.packets[idx[k * 3]].bytes[3] |= 0x80;
  }
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), Counts{});
  EXPECT_GT(snap.sections.cat, 0U);
}

TEST_F(Tr101290Errors, OtherTableOnPid1IsCatError) {
  cfg_.with_cat = true;
  stream_ = generateStream(cfg_);
  stream_.packets[pusiPackets(kPidCat)[5]].bytes[5] = 0x02;
  EXPECT_EQ(nonZero(analyze()), (Counts{{key(Indicator::kCatError), 1}}));
}

TEST_F(Tr101290Errors, OneBadSyncByte) {
  const size_t i = packetsOf(stream_, kNullPid)[50];
  stream_.packets[i].bytes[0] = 0x46;
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap), (Counts{{key(Indicator::kSyncByteError), 1}}));
  EXPECT_TRUE(snap.in_sync);
}

TEST_F(Tr101290Errors, TwoBadSyncBytesLoseSync) {
  const size_t i = indexAt(2 * kSecond);
  stream_.packets[i].bytes[0] = 0x00;
  stream_.packets[i + 1].bytes[0] = 0x48;
  const AnalysisSnapshot snap = analyze();
  EXPECT_EQ(nonZero(snap),
            (Counts{{key(Indicator::kSyncByteError), 2}, {key(Indicator::kTsSyncLoss), 1}}));
  EXPECT_TRUE(snap.in_sync);  // acquired again after 5 good packets
  EXPECT_TRUE(snap.is_ts);
}

TEST_F(Tr101290Errors, ShortStallIsJudgedWhenItEnds) {
  // 150 ms without packets (less than the 200 ms idle gap): the PCR was late.
  for (size_t i = indexAt(2 * kSecond); i < stream_.size(); ++i) {
    stream_.arrival_ns[i] += 150 * kMs;
  }
  const AnalysisSnapshot snap = analyze();
  EXPECT_GE(snap[Indicator::kPcrRepetitionError].count, 1U);
  Counts got = nonZero(snap);
  got.erase(key(Indicator::kPcrRepetitionError));
  got.erase(key(Indicator::kPcrAccuracyError));  // a 150 ms arrival step is jitter too
  EXPECT_EQ(got, Counts{});
}

TEST_F(Tr101290Errors, LongSilenceIsIdleNotAnError) {
  for (size_t i = indexAt(2 * kSecond); i < stream_.size(); ++i) {
    stream_.arrival_ns[i] += 3 * kSecond;
  }
  EXPECT_EQ(nonZero(analyze()), Counts{});
}

class RecordingSink : public TsErrorSink {
 public:
  void onTsError(const TsErrorEvent& e) override { events.push_back(e); }
  std::vector<TsErrorEvent> events;
};

TEST_F(Tr101290Errors, SinkHearsEachErrorWithItsPid) {
  erase(stream_, {plainPackets(kAudio, kSecond)[0]});
  RecordingSink sink;
  Tr101290Analyzer a({}, &sink);
  feed(a, stream_);
  ASSERT_EQ(sink.events.size(), 1U);
  EXPECT_EQ(sink.events[0].indicator, Indicator::kContinuityCountError);
  EXPECT_EQ(sink.events[0].pid, kAudio);
  EXPECT_EQ(a.snapshot()[Indicator::kContinuityCountError].last_ns, sink.events[0].arrival_ns);
}

TEST_F(Tr101290Errors, ActiveFlagExpiresAfterTheWindow) {
  TsStream late = stream_;
  erase(stream_, {plainPackets(kAudio, kSecond)[0]});
  Tr101290Analyzer a;
  feed(a, stream_);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_EQ(snap[Indicator::kContinuityCountError].count, 1U);
  EXPECT_FALSE(snap[Indicator::kContinuityCountError].active);  // ~3 s ago, the window is 2 s
  EXPECT_EQ(snap.alarm_count, 0);
  a.reset();
  erase(late, {plainPackets(kAudio, 3 * kSecond + 500 * kMs)[0]});
  feed(a, late);
  EXPECT_TRUE(a.snapshot()[Indicator::kContinuityCountError].active);
  a.tick(late.arrival_ns.back() + 3 * kSecond);
  EXPECT_FALSE(a.snapshot()[Indicator::kContinuityCountError].active);
  EXPECT_EQ(a.snapshot()[Indicator::kContinuityCountError].count, 1U);
}

}  // namespace
}  // namespace srtgw::ts::testing
