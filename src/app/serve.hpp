#pragma once
// `srtgw serve`: the gateway as a service: engine + SQLite + REST API, until SIGTERM.

#include "app/serve_config.hpp"

namespace srtgw::app {

/// Main thread. Returns the process exit code.
int runServe(const ServeConfig& cfg);

}  // namespace srtgw::app
