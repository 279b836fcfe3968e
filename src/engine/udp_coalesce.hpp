#pragma once
// How long a UDP worker lets pass after a read that found datagrams (docs/ARCHITECTURE.md):
// the default and the largest value the configuration accepts, in microseconds.

namespace srtgw::engine {

inline constexpr int kDefaultUdpCoalesceUs = 1000;
inline constexpr int kMaxUdpCoalesceUs = 20000;

}  // namespace srtgw::engine
