#pragma once
// Helpers for analyzer tests: feeding generated streams and checking indicator counts.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ts/tr101290_analyzer.hpp"
#include "ts_generator.hpp"

namespace srtgw::ts::testing {

inline void feed(Tr101290Analyzer& a, const TsStream& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    a.onPacket(s.packets[i].bytes, s.arrival_ns[i]);
  }
}

// Feeds the stream as datagrams of up to per_datagram packets, each at its first arrival time.
inline void feedDatagrams(Tr101290Analyzer& a, const TsStream& s, size_t per_datagram = 7) {
  std::vector<uint8_t> buf;
  for (size_t i = 0; i < s.size(); i += per_datagram) {
    buf.clear();
    const size_t end = std::min(s.size(), i + per_datagram);
    for (size_t k = i; k < end; ++k) {
      buf.insert(buf.end(), s.packets[k].bytes, s.packets[k].bytes + kPacketSize);
    }
    a.onDatagram(buf.data(), buf.size(), s.arrival_ns[i]);
  }
}

// Indicator counts as "id=count" for the non-zero ones, for readable failures.
inline std::map<std::string, uint64_t> nonZero(const AnalysisSnapshot& snap) {
  std::map<std::string, uint64_t> out;
  for (const IndicatorStatus& st : snap.indicators) {
    if (st.count > 0) {
      out[std::string(st.id) + " " + std::string(st.name)] = st.count;
    }
  }
  return out;
}

inline std::string key(Indicator i) {
  const IndicatorInfo& info = indicatorInfo(i);
  return std::string(info.id) + " " + std::string(info.name);
}

}  // namespace srtgw::ts::testing
