#pragma once
// The relay's stdout: one JSON object per line, so tests and scripts parse it line by line.

#include <string>

#include "relay.hpp"

namespace srtgw::impair {

/// {"listen":"127.0.0.1:40123","forward":"127.0.0.1:5000","seed":42}: the first line.
std::string formatStartLine(const RelayConfig& cfg, const sockaddr_storage& bound_listen);

/// {"event":"report"|"final","elapsed_ms":...,"up":{...},"down":{...},...}.
std::string formatStatsLine(const RelayStats& stats, const char* event);

}  // namespace srtgw::impair
