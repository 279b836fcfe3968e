#pragma once
// Socket addresses: parsing, resolving, printing, interface lookup.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace srtgw::net {

/// Resolves a host (numeric IPv4/IPv6 or a name; empty = any address) and port.
core::Result<sockaddr_storage> resolve(std::string_view host, uint16_t port);

/// True for a literal IPv4 or IPv6 address (no name lookup).
bool isNumericAddress(std::string_view host);

/// "1.2.3.4:5000" or "[::1]:5000"; empty for an unset address.
std::string formatAddress(const sockaddr_storage& addr);
std::string formatHost(const sockaddr_storage& addr);
uint16_t portOf(const sockaddr_storage& addr);
bool isMulticast(const sockaddr_storage& addr);
bool isAny(const sockaddr_storage& addr);

struct Interface {
  std::string name;
  unsigned index = 0;
  in_addr ipv4{};  // first IPv4 address, or 0.0.0.0 when it has none
};

/// Looks an interface up by name ("eth0") or by one of its IPv4 addresses ("10.0.0.5").
core::Result<Interface> findInterface(std::string_view name_or_address);

}  // namespace srtgw::net
