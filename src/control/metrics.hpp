#pragma once
// The Prometheus text exposition (format 0.0.4) of the gateway: build and process figures,
// every input and output, their SRT link figures. Labels are ids, names, kinds and
// directions only — never a secret, never an unbounded value such as a peer address.

#include <string>
#include <vector>

#include "control/system_info.hpp"
#include "engine/stats.hpp"
#include "ts/analysis_snapshot.hpp"

#include <memory>

namespace srtgw::control {

struct MetricsStream {
  std::string kind;  // "input" | "output"
  std::string id;
  std::string name;
  bool enabled = true;
  const engine::EndpointStats* live = nullptr;  // null when not running
  std::string input_id;                         // outputs
  bool failed = false;                          // enabled but could not start
  std::shared_ptr<const ts::AnalysisSnapshot> analysis;  // inputs, when data has arrived
};

struct MetricsContext {
  std::string version;
  std::string libsrt_version;
  double uptime_seconds = 0;
  ProcessInfo process;
  std::vector<MetricsStream> streams;
  int64_t feed_clients = 0;    // WebSocket clients
  int64_t feed_dropped = 0;    // WebSocket clients disconnected for falling behind
  int64_t events_dropped = 0;  // events lost to a full queue
};

/// Renders the whole scrape. Any thread.
std::string renderMetrics(const MetricsContext& ctx);

/// Escapes a label value (backslash, double quote, newline).
std::string escapeLabel(const std::string& v);

}  // namespace srtgw::control
