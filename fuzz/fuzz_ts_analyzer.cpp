// Fuzz target: the TR 101 290 analyzer with its PSI/SI assembly (ts/), fed as the engine
// feeds it: 188-byte packets or whole datagrams, with arrival times, and ticks.
// Input: records of one control byte and one 188-byte packet. The control byte's low three
// bits pick a time step (0, 10 us, 1 ms, 10 ms, 100 ms, 1 s, 10 s, 1 min), its high five bits
// how many steps; 31 steps also ticks and takes a snapshot. A trailing partial record is one
// datagram of that length. The first record's control byte with bit 0x80 set feeds every
// record as a datagram (onDatagram) instead of a packet.
// Properties: never crashes or reads out of bounds; the snapshot's counters agree
// (analyzed <= received) and every text in it is valid UTF-8 (the API writes it as JSON).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "ts/tr101290_analyzer.hpp"

namespace {

using namespace srtgw::ts;

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

constexpr int64_t kStepNs[8] = {0,           10'000,         1'000'000,     10'000'000,
                                100'000'000, 1'000'000'000, 10'000'000'000, 60'000'000'000};

void checkSnapshot(const AnalysisSnapshot& s) {
  check(s.packets_analyzed <= s.packets_received);
  check(s.is_ts == (s.detection == TsDetection::kTs));
  nlohmann::json texts = nlohmann::json::array();
  for (const auto& p : s.programs) {
    texts.push_back(p.service_name);
    texts.push_back(p.provider_name);
    for (const auto& es : p.streams) {
      texts.push_back(es.codec);
      texts.push_back(es.language);
    }
  }
  for (const auto& p : s.pids) {
    texts.push_back(p.description);
  }
  (void)texts.dump();  // throws on invalid UTF-8
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kRecord = 1 + kPacketSize;
  // One analyzer, reset for every input: reset() is what the constructor runs, and it spares
  // ASan a half-megabyte allocation per input.
  static Tr101290Analyzer analyzer;
  analyzer.reset();
  const bool datagrams = size > 0 && (data[0] & 0x80) != 0;
  int64_t now = 1'000'000'000'000;  // a steady clock some minutes after boot
  size_t pos = 0;
  for (; pos + kRecord <= size; pos += kRecord) {
    const uint8_t ctrl = data[pos];
    now += kStepNs[ctrl & 7] * (ctrl >> 3);
    if (datagrams) {
      analyzer.onDatagram(data + pos + 1, kPacketSize, now);
    } else {
      analyzer.onPacket(data + pos + 1, now);
    }
    if ((ctrl >> 3) == 31) {
      analyzer.tick(now);
      checkSnapshot(analyzer.snapshot());
    }
  }
  if (pos < size) {
    now += 1'000'000;
    analyzer.onDatagram(data + pos, size - pos, now);
  }
  analyzer.tick(now + 10'000'000'000);
  checkSnapshot(analyzer.snapshot());
  return 0;
}
