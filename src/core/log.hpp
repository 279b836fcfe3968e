#pragma once
// Logging facade: spdlog to stderr. Never called per packet.

#include <spdlog/spdlog.h>

#include <string_view>

namespace srtgw::core {

/// Sets the global level from a name (trace, debug, info, warn, error, off); false if unknown.
bool setLogLevel(std::string_view level);

/// Main thread, once: stderr sink with a timestamped pattern.
void initLogging(std::string_view level);

}  // namespace srtgw::core
