#pragma once
// Which local UDP ports a stream binds (SRT runs over UDP, so both share one port space),
// checked against every other stored stream before anything binds: a clash is refused with
// the name of the holder instead of failing deep inside libsrt with a vague message.

#include <optional>
#include <string>
#include <vector>

#include "engine/spec.hpp"

namespace srtgw::control {

struct PortClaim {
  uint16_t port = 0;
  std::string address;  // bound address; "" = every address; a multicast group for UDP joins
  bool multicast = false;
};

/// The ports a stream binds locally (none for port 0 or a caller with no local port).
std::vector<PortClaim> portClaims(bool is_input, const engine::EndpointSpec& spec);

/// True when two claims cannot both be bound on this host.
bool clashes(const PortClaim& a, const PortClaim& b);

}  // namespace srtgw::control
