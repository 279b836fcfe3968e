// The only translation unit that includes toml++.

#include "app/serve_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>

#include "app/cpu_latency.hpp"
#include "core/realtime.hpp"

namespace srtgw::app {

core::Result<void> loadConfigFile(const std::string& path, ServeConfig& cfg) {
  // toml++ as packaged throws on a parse error; this is the edge where that stops.
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    return core::makeError(core::Errc::kInvalidArgument,
                           fmt::format("config file {}: {} (line {})", path, err.description(),
                                       err.source().begin.line),
                           "config");
  }
  for (auto&& [k, node] : t) {
    const std::string key(k.str());
    auto wrong = [&](const char* want) {
      return core::makeError(core::Errc::kInvalidArgument,
                             fmt::format("config file {}: '{}' must be {}", path, key, want), key);
    };
    auto str = [&](std::string& dst) -> core::Result<void> {
      if (auto v = node.value<std::string>()) {
        dst = *v;
        return core::ok();
      }
      return wrong("a string");
    };
    auto num = [&](int& dst, int lo, int hi) -> core::Result<void> {
      if (auto v = node.value<int64_t>(); v && *v >= lo && *v <= hi) {
        dst = static_cast<int>(*v);
        return core::ok();
      }
      return wrong(fmt::format("a whole number from {} to {}", lo, hi).c_str());
    };
    auto flag = [&](bool& dst) -> core::Result<void> {
      if (auto v = node.value<bool>()) {
        dst = *v;
        return core::ok();
      }
      return wrong("true or false");
    };
    core::Result<void> r;
    if (key == "listen") r = str(cfg.listen);
    else if (key == "data_dir") r = str(cfg.data_dir);
    else if (key == "db") r = str(cfg.db);
    else if (key == "log_level") r = str(cfg.log_level);
    else if (key == "workers") r = num(cfg.workers, 1, 64);
    else if (key == "http_threads") r = num(cfg.http_threads, 1, 64);
    else if (key == "stats_interval_ms") r = num(cfg.stats_interval_ms, 100, 60000);
    else if (key == "udp_coalesce_us") r = num(cfg.udp_coalesce_us, 0, engine::kMaxUdpCoalesceUs);
    else if (key == "srt_coalesce_us") r = num(cfg.srt_coalesce_us, 0, engine::kMaxSrtCoalesceUs);
    else if (key == "realtime_priority") r = num(cfg.realtime_priority, 0, core::kMaxRealtimePriority);
    else if (key == "cpu_latency_us") r = num(cfg.cpu_latency_us, -1, kMaxCpuLatencyUs);
    else if (key == "max_events") r = num(cfg.max_events, 10, 10000000);
    else if (key == "metrics_public") r = flag(cfg.metrics_public);
    else if (key == "http_timeout_s") r = num(cfg.http_timeout_s, 1, 3600);
    else if (key == "tls_cert") r = str(cfg.tls_cert);
    else if (key == "tls_key") r = str(cfg.tls_key);
    else if (key == "web_dir") r = str(cfg.web_dir);
    else {
      return core::makeError(core::Errc::kInvalidArgument,
                             fmt::format("config file {}: unknown key '{}'", path, key), key);
    }
    if (!r) {
      return r;
    }
  }
  return core::ok();
}

std::string describe(const ServeConfig& c) {
  return fmt::format(
      "listen={} data_dir={} db={} log_level={} workers={} http_threads={} stats_interval_ms={} udp_coalesce_us={} srt_coalesce_us={} "
      "realtime_priority={} cpu_latency_us={} max_events={} http_timeout_s={} metrics_public={} tls_cert={} tls_key={} config={} web_dir={}",
      c.listen, c.data_dir, c.dbPath(), c.log_level, c.workers, c.http_threads,
      c.stats_interval_ms, c.udp_coalesce_us, c.srt_coalesce_us, c.realtime_priority, c.cpu_latency_us, c.max_events, c.http_timeout_s, c.metrics_public,
      c.tls_cert.empty() ? "(none)" : c.tls_cert, c.tls_key.empty() ? "(none)" : c.tls_key, c.config_file.empty() ? "(none)" : c.config_file,
      c.webDir());
}

std::string ServeConfig::webDir() const {
  if (!web_dir.empty()) {
    return web_dir;
  }
  // build/srtgw finds build/web; an installed /usr/bin/srtgw finds /usr/bin/web unless told.
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("web") : (exe.parent_path() / "web").string();
}

}  // namespace srtgw::app
