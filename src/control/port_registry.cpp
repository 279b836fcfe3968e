#include "control/port_registry.hpp"

#include "net/address.hpp"

namespace srtgw::control {

std::vector<PortClaim> portClaims(bool is_input, const engine::EndpointSpec& s) {
  std::vector<PortClaim> out;
  auto add = [&](uint16_t port, const std::string& addr, bool mc) {
    if (port != 0) {
      out.push_back(PortClaim{port, addr == "0.0.0.0" ? std::string() : addr, mc});
    }
  };
  if (s.transport == engine::Transport::kUdp) {
    if (is_input) {
      bool mc = !s.host.empty() && net::isNumericAddress(s.host) &&
                net::isMulticast(*net::resolve(s.host, 0));
      add(s.port, s.host, mc);
    } else {
      add(s.local_port, s.local_addr, false);
    }
    return out;
  }
  switch (s.mode) {
    case engine::SrtMode::kListener:
      add(s.port, s.local_addr, false);
      break;
    case engine::SrtMode::kCaller:
      add(s.local_port, s.local_addr, false);
      break;
    case engine::SrtMode::kRendezvous:
      add(s.local_port != 0 ? s.local_port : s.port, s.local_addr, false);
      break;
  }
  return out;
}

bool clashes(const PortClaim& a, const PortClaim& b) {
  if (a.port != b.port) {
    return false;
  }
  if (a.multicast && b.multicast) {
    // Receivers of different groups share a port; two of the same group would split it.
    return a.address == b.address;
  }
  if (a.multicast != b.multicast) {
    // A group receiver binds the group address; a unicast wildcard bind still overlaps.
    return (a.multicast ? b.address : a.address).empty();
  }
  return a.address.empty() || b.address.empty() || a.address == b.address;
}

}  // namespace srtgw::control
