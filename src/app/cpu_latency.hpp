#pragma once
// Holding the CPUs' wake-up latency down while srtgw runs (opt-in, --cpu-latency-us).
//
// An idle CPU goes into an idle state, and a packet that arrives then waits for it to come
// back. On a virtual machine an idle vCPU halts and the hypervisor has to run it again:
// ~0.1-0.2 ms on a quiet host, milliseconds on a busy one, on every packet of a stream
// slow enough to leave the CPUs idle in between. Through the kernel's PM QoS device
// (/dev/cpu_dma_latency) a process asks that no CPU take longer than N microseconds to
// wake; at 0 idle CPUs poll instead of halting. The request lasts exactly as long as the
// file stays open, so it ends with the process, however it ends. It costs power (and on a
// VM host CPU time): it is the host's trade-off, made explicit by the operator.

#include <string>

#include "core/result.hpp"
#include "net/fd.hpp"

namespace srtgw::app {

inline constexpr int kMaxCpuLatencyUs = 1'000'000;
inline constexpr const char* kCpuLatencyDevice = "/dev/cpu_dma_latency";

class CpuLatencyHold {
 public:
  CpuLatencyHold() = default;
  /// Asks for a wake-up latency of at most `us` microseconds (0..kMaxCpuLatencyUs) until the
  /// returned object is destroyed.
  static core::Result<CpuLatencyHold> hold(int us, const std::string& device = kCpuLatencyDevice);

 private:
  explicit CpuLatencyHold(net::Fd fd) : fd_(std::move(fd)) {}
  net::Fd fd_;
};

}  // namespace srtgw::app
