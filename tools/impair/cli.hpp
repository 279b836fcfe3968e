#pragma once
// The command line of srtgw-impair, turned into a RelayConfig (CLI11 stays in here).

#include <string>

#include "relay.hpp"

namespace srtgw::impair {

struct CliOutcome {
  int exit_code = -1;   // >= 0: exit now with this status (help, or a bad argument)
  std::string message;  // help text (status 0) or the error (status 2)
  RelayConfig config;
};

/// Any thread: parses argv. Every impairment flag also exists as FLAG-up and FLAG-down,
/// which override it for one direction. No --seed picks one from the clock.
CliOutcome parseCommandLine(int argc, const char* const* argv);

}  // namespace srtgw::impair
