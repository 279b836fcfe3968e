// Cost of TR 101 290 analysis per packet on a clean 20 Mb/s stream (one program, PCR every
// 25 ms, PAT/PMT every 100 ms, SDT every 500 ms), fed packet by packet and as 7-packet
// datagrams. Target: <= 50 ns per packet.

#include <benchmark/benchmark.h>

#include "ts/tr101290_analyzer.hpp"
#include "ts_generator.hpp"

namespace {

using srtgw::ts::kPacketSize;
using srtgw::ts::Tr101290Analyzer;
using srtgw::ts::testing::GeneratorConfig;
using srtgw::ts::testing::TsStream;

const TsStream& stream20Mbps() {
  static const TsStream s = [] {
    GeneratorConfig cfg;
    cfg.bitrate_bps = 20'000'000;
    cfg.video_bps = 16'000'000;
    cfg.duration_ns = 10'000'000'000;
    return srtgw::ts::testing::generateStream(cfg);
  }();
  return s;
}

void setCounters(benchmark::State& state, size_t packets) {
  const auto total = static_cast<double>(packets) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(total));
  // Seconds per packet; the report prints it with an SI prefix ("15.2ns").
  state.counters["per_packet"] =
      benchmark::Counter(total, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_OnPacket(benchmark::State& state) {
  const TsStream& s = stream20Mbps();
  Tr101290Analyzer a;
  for (auto _ : state) {
    state.PauseTiming();
    a.reset();
    state.ResumeTiming();
    for (size_t i = 0; i < s.size(); ++i) {
      a.onPacket(s.packets[i].bytes, s.arrival_ns[i]);
    }
  }
  if (a.snapshot().alarm_count != 0) {
    state.SkipWithError("the clean stream raised errors");
  }
  setCounters(state, s.size());
}
BENCHMARK(BM_OnPacket)->Unit(benchmark::kMillisecond);

void BM_OnDatagram7(benchmark::State& state) {
  const TsStream& s = stream20Mbps();
  // The stream as contiguous bytes, as it sits in a receive buffer.
  std::vector<uint8_t> bytes(s.size() * kPacketSize);
  for (size_t i = 0; i < s.size(); ++i) {
    std::copy_n(s.packets[i].bytes, kPacketSize, bytes.data() + i * kPacketSize);
  }
  Tr101290Analyzer a;
  for (auto _ : state) {
    state.PauseTiming();
    a.reset();
    state.ResumeTiming();
    for (size_t i = 0; i + 7 <= s.size(); i += 7) {
      a.onDatagram(bytes.data() + i * kPacketSize, 7 * kPacketSize, s.arrival_ns[i]);
    }
  }
  setCounters(state, s.size() / 7 * 7);
}
BENCHMARK(BM_OnDatagram7)->Unit(benchmark::kMillisecond);

void BM_Snapshot(benchmark::State& state) {
  const TsStream& s = stream20Mbps();
  Tr101290Analyzer a;
  for (size_t i = 0; i < s.size(); ++i) {
    a.onPacket(s.packets[i].bytes, s.arrival_ns[i]);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.snapshot());
  }
}
BENCHMARK(BM_Snapshot)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
