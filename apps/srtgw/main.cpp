// srtgw: thin main. `srtgw relay ...`, `srtgw version`.

#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/relay.hpp"
#include "app/version.hpp"
#include "core/log.hpp"
#include "srt/runtime.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"srtgw: SRT/UDP media gateway"};
  cli.require_subcommand(1);
  std::string log_level = "info";
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->envname("SRTGW_LOG_LEVEL");

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

  auto* version_cmd = cli.add_subcommand("version", "Print the version of srtgw and libsrt");

  CLI11_PARSE(cli, argc, argv);
  srtgw::core::initLogging(log_level);

  if (version_cmd->parsed()) {
    std::printf("srtgw %s (libsrt %s)\n", srtgw::app::kVersion, srtgw::srt::Runtime::version());
    return 0;
  }
  if (relay_cmd->parsed()) {
    return srtgw::app::runRelay(relay);
  }
  return 2;
}
