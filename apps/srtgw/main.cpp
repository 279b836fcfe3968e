// srtgw: thin main. `srtgw serve`, `srtgw relay ...`, `srtgw version`.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/cpu_latency.hpp"
#include "app/relay.hpp"
#include "app/serve.hpp"
#include "app/version.hpp"
#include "core/log.hpp"
#include "core/realtime.hpp"
#include "srt/runtime.hpp"

namespace {

// The config file must be read before the flags are parsed: its values are the defaults
// that environment variables and flags then override.
std::string findConfigFile(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      return argv[i + 1];
    }
    if (std::strncmp(argv[i], "--config=", 9) == 0) {
      return argv[i] + 9;
    }
  }
  const char* env = std::getenv("SRTGW_CONFIG");
  return env != nullptr ? env : "";
}

}  // namespace

int main(int argc, char** argv) {
  srtgw::app::ServeConfig serve;
  serve.config_file = findConfigFile(argc, argv);
  if (!serve.config_file.empty()) {
    if (auto r = srtgw::app::loadConfigFile(serve.config_file, serve); !r) {
      std::fprintf(stderr, "srtgw: %s\n", r.error().message.c_str());
      return 2;
    }
  }

  CLI::App cli{"srtgw: SRT/UDP media gateway"};
  cli.require_subcommand(1);
  // `srtgw serve --log-level debug` as well as `srtgw --log-level debug serve`.
  cli.fallthrough();
  std::string log_level = serve.log_level;
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->envname("SRTGW_LOG_LEVEL")
      ->capture_default_str();

  auto* serve_cmd = cli.add_subcommand("serve", "Run the gateway: REST API, SQLite, engine");
  serve_cmd->add_option("--config", serve.config_file, "TOML configuration file")
      ->envname("SRTGW_CONFIG");
  serve_cmd->add_option("--listen", serve.listen, "HTTP address host:port")
      ->envname("SRTGW_LISTEN")
      ->capture_default_str();
  serve_cmd->add_option("--data-dir", serve.data_dir, "data directory (created if missing)")
      ->envname("SRTGW_DATA_DIR")
      ->capture_default_str();
  serve_cmd->add_option("--db", serve.db, "SQLite database (default <data-dir>/srtgw.db)")
      ->envname("SRTGW_DB");
  serve_cmd->add_option("--workers", serve.workers, "SRT worker threads")
      ->envname("SRTGW_WORKERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_cmd->add_option("--http-threads", serve.http_threads, "HTTP threads")
      ->envname("SRTGW_HTTP_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_cmd->add_option("--stats-interval-ms", serve.stats_interval_ms, "statistics sampling")
      ->envname("SRTGW_STATS_INTERVAL_MS")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  serve_cmd->add_option("--udp-coalesce-us", serve.udp_coalesce_us,
                        "after reading a UDP input, leave it unread this long (0 = read every datagram at once)")
      ->envname("SRTGW_UDP_COALESCE_US")
      ->check(CLI::Range(0, srtgw::engine::kMaxUdpCoalesceUs))
      ->capture_default_str();
  serve_cmd->add_option("--srt-coalesce-us", serve.srt_coalesce_us,
                        "the same for UDP inputs whose outputs are all SRT (at most 1/8 of their latency)")
      ->envname("SRTGW_SRT_COALESCE_US")
      ->check(CLI::Range(0, srtgw::engine::kMaxSrtCoalesceUs))
      ->capture_default_str();
  serve_cmd->add_option("--realtime-priority", serve.realtime_priority,
                        "run the data plane's threads under SCHED_FIFO at this priority (0 = off; needs root)")
      ->envname("SRTGW_REALTIME_PRIORITY")
      ->check(CLI::Range(0, srtgw::core::kMaxRealtimePriority))
      ->capture_default_str();
  serve_cmd->add_option("--cpu-latency-us", serve.cpu_latency_us,
                        "keep every CPU's wake-up latency at or below this (0 = idle CPUs poll; -1 = off; needs root)")
      ->envname("SRTGW_CPU_LATENCY_US")
      ->check(CLI::Range(-1, srtgw::app::kMaxCpuLatencyUs))
      ->capture_default_str();

  serve_cmd->add_option("--max-events", serve.max_events, "events kept in the event log")
      ->envname("SRTGW_MAX_EVENTS")
      ->check(CLI::Range(10, 10000000))
      ->capture_default_str();
  serve_cmd->add_option("--web-dir", serve.web_dir,
                        "web console files (default: web next to the srtgw executable)")
      ->envname("SRTGW_WEB_DIR");

  serve_cmd->add_option("--http-timeout-s", serve.http_timeout_s,
                        "seconds a client may take to send a request (and idle between requests)")
      ->envname("SRTGW_HTTP_TIMEOUT_S")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve_cmd->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain: serve HTTPS only (with --tls-key)")
      ->envname("SRTGW_TLS_CERT");
  serve_cmd->add_option("--tls-key", serve.tls_key, "PEM private key for --tls-cert")
      ->envname("SRTGW_TLS_KEY");
  serve_cmd->add_flag("--metrics-public", serve.metrics_public,
                      "serve /metrics without credentials (for a Prometheus on a trusted network)")
      ->envname("SRTGW_METRICS_PUBLIC");

  srtgw::app::RelayOptions relay;
  auto* relay_cmd = cli.add_subcommand(
      "relay", "Relay one input URL to one or more output URLs (srt-live-transmit style)");
  relay_cmd->add_option("input", relay.input_url, "srt://[host]:port?... or udp://[host]:port?...")
      ->required();
  relay_cmd->add_option("outputs", relay.output_urls, "one or more output URLs")->required();
  relay_cmd->add_option("--stats-interval", relay.stats_interval_ms,
                        "print one JSON statistics line every N milliseconds (0 = never)")
      ->check(CLI::Range(0, 3600000));
  relay_cmd->add_option("--srt-workers", relay.srt_workers, "SRT worker threads")
      ->check(CLI::Range(1, 64));
  relay_cmd->add_option("--udp-coalesce-us", relay.udp_coalesce_us,
                        "after reading a UDP input, leave it unread this long (0 = read every datagram at once)")
      ->check(CLI::Range(0, srtgw::engine::kMaxUdpCoalesceUs))
      ->capture_default_str();
  relay_cmd->add_option("--srt-coalesce-us", relay.srt_coalesce_us,
                        "the same when all outputs are SRT (at most 1/8 of their latency)")
      ->check(CLI::Range(0, srtgw::engine::kMaxSrtCoalesceUs))
      ->capture_default_str();
  relay_cmd->add_option("--realtime-priority", relay.realtime_priority,
                        "run the data plane's threads under SCHED_FIFO at this priority (0 = off; needs root)")
      ->check(CLI::Range(0, srtgw::core::kMaxRealtimePriority))
      ->capture_default_str();
  relay_cmd->add_option("--cpu-latency-us", relay.cpu_latency_us,
                        "keep every CPU's wake-up latency at or below this (0 = idle CPUs poll; -1 = off; needs root)")
      ->check(CLI::Range(-1, srtgw::app::kMaxCpuLatencyUs))
      ->capture_default_str();

  auto* version_cmd = cli.add_subcommand("version", "Print the version of srtgw and libsrt");

  CLI11_PARSE(cli, argc, argv);
  if (serve_cmd->parsed()) {
    // The file's log_level is the default the env/flag may override.
    serve.log_level = log_level;
  }
  srtgw::core::initLogging(log_level);

  if (version_cmd->parsed()) {
    std::printf("srtgw %s (libsrt %s)\n", srtgw::app::kVersion, srtgw::srt::Runtime::version());
    return 0;
  }
  if (relay_cmd->parsed()) {
    return srtgw::app::runRelay(relay);
  }
  if (serve_cmd->parsed()) {
    return srtgw::app::runServe(serve);
  }
  return 2;
}
