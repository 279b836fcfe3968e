#pragma once
// Figures about this process, read from /proc: CPU, memory, threads, open files.

#include <cstdint>

namespace srtgw::control {

struct ProcessInfo {
  double cpu_seconds = 0;  // user + system since start
  int64_t rss_bytes = 0;
  int64_t threads = 0;
  int64_t open_fds = 0;
  int64_t start_time_ms = 0;  // wall clock
};

/// Any thread.
ProcessInfo readProcessInfo();

/// CPU use in percent of one core between successive calls (control thread only).
class CpuMeter {
 public:
  double update(double cpu_seconds, int64_t now_ms);

 private:
  double last_cpu_ = 0;
  int64_t last_ms_ = 0;
  double pct_ = 0;
};

}  // namespace srtgw::control
