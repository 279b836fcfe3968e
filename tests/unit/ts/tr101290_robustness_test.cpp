// Malformed input must never crash or read out of bounds (run under ASan with
// -DSRTGW_SANITIZE=ON), and garbage must not be mistaken for a healthy stream.

#include <random>

#include "analyzer_test_support.hpp"

namespace srtgw::ts::testing {
namespace {

TEST(Tr101290Robustness, RandomPacketsWithSyncBytes) {
  std::mt19937 rng(2024);
  Tr101290Analyzer a;
  uint8_t pkt[kPacketSize];
  int64_t t = 1'000'000'000;
  for (int i = 0; i < 100'000; ++i) {
    for (auto& b : pkt) {
      b = static_cast<uint8_t>(rng());
    }
    pkt[0] = kSyncByte;
    if (i % 3 == 0) {
      pkt[1] &= 0xE0;  // PID 0..0x1F: the PSI and SI PIDs get garbage sections
    }
    a.onPacket(pkt, t);
    t += 10'000;
  }
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_TRUE(snap.is_ts);
  EXPECT_EQ(snap.packets_analyzed, 100'000U - 4);
  EXPECT_GT(snap[Indicator::kContinuityCountError].count, 0U);
}

TEST(Tr101290Robustness, RandomDatagramsOfAnyLength) {
  std::mt19937 rng(99);
  Tr101290Analyzer a;
  std::vector<uint8_t> buf;
  int64_t t = 1'000'000'000;
  for (int i = 0; i < 20'000; ++i) {
    buf.resize(rng() % 1500);
    for (auto& b : buf) {
      b = static_cast<uint8_t>(rng());
    }
    for (size_t k = 0; k < buf.size(); k += kPacketSize) {
      if (rng() % 4 != 0) {
        buf[k] = kSyncByte;
      }
    }
    a.onDatagram(buf.data(), buf.size(), t);
    a.onDatagram(buf.data(), 0, t);
    t += 100'000;
  }
  (void)a.snapshot();
  SUCCEED();
}

TEST(Tr101290Robustness, BitFlipsInAValidStream) {
  // Near-valid input reaches the section and table parsers with damaged lengths.
  GeneratorConfig cfg;
  cfg.duration_ns = 4'000'000'000;
  cfg.psi_period_ns = 10'000'000;
  TsStream s = generateStream(cfg);
  std::mt19937 rng(5);
  for (auto& p : s.packets) {
    const int flips = static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      p.bytes[1 + rng() % (kPacketSize - 1)] ^= static_cast<uint8_t>(1U << (rng() % 8));
    }
  }
  Tr101290Analyzer a;
  feed(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_GT(snap[Indicator::kCrcError].count, 0U);
}

TEST(Tr101290Robustness, TruncatedAndMisalignedDatagrams) {
  GeneratorConfig cfg;
  cfg.duration_ns = 2'000'000'000;
  const TsStream s = generateStream(cfg);
  std::vector<uint8_t> all;
  for (const auto& p : s.packets) {
    all.insert(all.end(), p.bytes, p.bytes + kPacketSize);
  }
  std::mt19937 rng(11);
  Tr101290Analyzer a;
  size_t off = 0;
  size_t i = 0;
  while (off < all.size()) {
    const size_t len = std::min(all.size() - off, size_t{1 + rng() % 1400});
    a.onDatagram(all.data() + off, len, s.arrival_ns[std::min(off / kPacketSize, s.size() - 1)]);
    off += len;
    ++i;
  }
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_EQ(snap.datagrams, i);
  EXPECT_GT(snap.bytes_discarded, 0U);
}

TEST(Tr101290Robustness, TimeGoingBackwardsIsClamped) {
  GeneratorConfig cfg;
  cfg.duration_ns = 1'000'000'000;
  TsStream s = generateStream(cfg);
  for (size_t i = 0; i < s.size(); i += 50) {
    s.arrival_ns[i] -= 300'000'000;
  }
  Tr101290Analyzer a;
  feed(a, s);
  EXPECT_EQ(nonZero(a.snapshot()), (std::map<std::string, uint64_t>{}));
}

}  // namespace
}  // namespace srtgw::ts::testing
