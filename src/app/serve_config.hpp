#pragma once
// `srtgw serve` settings, layered lowest first: built-in defaults, the optional TOML file,
// SRTGW_* environment variables, command-line flags. Every documented setting is read.

#include <string>

#include "core/result.hpp"
#include "engine/udp_coalesce.hpp"

namespace srtgw::app {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";  // SRTGW_LISTEN, --listen, listen
  std::string data_dir = "data";          // SRTGW_DATA_DIR, --data-dir, data_dir
  std::string db;                         // SRTGW_DB, --db, db (default: <data_dir>/srtgw.db)
  std::string log_level = "info";         // SRTGW_LOG_LEVEL, --log-level, log_level
  int workers = 1;                        // SRTGW_WORKERS, --workers, workers (SRT worker threads)
  int http_threads = 2;                   // SRTGW_HTTP_THREADS, --http-threads, http_threads
  int stats_interval_ms = 1000;           // SRTGW_STATS_INTERVAL_MS, --stats-interval-ms
  int udp_coalesce_us = engine::kDefaultUdpCoalesceUs;  // SRTGW_UDP_COALESCE_US, --udp-coalesce-us
  int srt_coalesce_us = engine::kDefaultSrtCoalesceUs;  // SRTGW_SRT_COALESCE_US, --srt-coalesce-us
  int realtime_priority = 0;  // SRTGW_REALTIME_PRIORITY, --realtime-priority (0: off; 1..99 SCHED_FIFO)
  int cpu_latency_us = -1;    // SRTGW_CPU_LATENCY_US, --cpu-latency-us (-1: off; 0..: app/cpu_latency.hpp)
  int max_events = 10000;                 // SRTGW_MAX_EVENTS, --max-events, max_events
  std::string config_file;                // SRTGW_CONFIG, --config
  int http_timeout_s = 30;                // SRTGW_HTTP_TIMEOUT_S, --http-timeout-s, http_timeout_s
  bool metrics_public = false;
  std::string tls_cert;                   // SRTGW_TLS_CERT, --tls-cert, tls_cert (with tls_key: HTTPS only)
  std::string tls_key;                    // SRTGW_TLS_KEY, --tls-key, tls_key            // SRTGW_METRICS_PUBLIC, --metrics-public, metrics_public
  std::string web_dir;                    // SRTGW_WEB_DIR, --web-dir, web_dir (default: webDir())

  /// The database path after defaults are applied.
  std::string dbPath() const { return db.empty() ? data_dir + "/srtgw.db" : db; }
  /// The console's directory after defaults: `web` next to the srtgw executable.
  std::string webDir() const;
};

/// Reads a TOML file into `cfg` (only the keys it sets). Unknown keys and wrong types are
/// errors naming the key.
core::Result<void> loadConfigFile(const std::string& path, ServeConfig& cfg);

/// One line per setting, for the start-up log (no secrets exist among these yet; any
/// added later must be redacted here).
std::string describe(const ServeConfig& cfg);

}  // namespace srtgw::app
