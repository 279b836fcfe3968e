#include "core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace srtgw::core {

bool setLogLevel(std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  // from_str returns `off` for unknown names; only accept `off` when asked for.
  if (lvl == spdlog::level::off && level != "off") {
    return false;
  }
  spdlog::set_level(lvl);
  return true;
}

void initLogging(std::string_view level) {
  auto logger = spdlog::stderr_color_mt("srtgw");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %v");
  if (!setLogLevel(level)) {
    spdlog::set_level(spdlog::level::info);
    spdlog::warn("unknown log level '{}', using info", level);
  }
}

}  // namespace srtgw::core
