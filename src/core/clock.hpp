#pragma once
// Monotonic and wall clocks in the units the engine counts in.

#include <chrono>
#include <cstdint>

namespace srtgw::core {

using SteadyClock = std::chrono::steady_clock;

inline int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

inline int64_t steadyNowMs() { return steadyNowNs() / 1'000'000; }

inline int64_t wallNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace srtgw::core
