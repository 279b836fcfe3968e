#pragma once
// `srtgw relay INPUT_URL OUTPUT_URL...`: a one-shot relay, a drop-in for srt-live-transmit
// that can also fan one input out to several outputs.

#include <string>
#include <vector>

#include "engine/udp_coalesce.hpp"

namespace srtgw::app {

struct RelayOptions {
  std::string input_url;
  std::vector<std::string> output_urls;
  int stats_interval_ms = 0;  // 0: no statistics lines
  int udp_coalesce_us = engine::kDefaultUdpCoalesceUs;
  int srt_coalesce_us = engine::kDefaultSrtCoalesceUs;
  int srt_workers = 1;
  int realtime_priority = 0;  // 0: normal scheduling; 1..99: SCHED_FIFO data plane
  int cpu_latency_us = -1;    // -1: leave the host alone; 0..: hold CPU wake-up latency (cpu_latency.hpp)
};

/// Main thread. Runs until SIGINT/SIGTERM; returns the process exit code.
int runRelay(const RelayOptions& opts);

}  // namespace srtgw::app
