#include "engine/spec.hpp"

#include <fmt/format.h>

#include "net/address.hpp"

namespace srtgw::engine {

using core::Errc;
using core::makeError;

const char* toString(Transport t) { return t == Transport::kSrt ? "srt" : "udp"; }

const char* toString(SrtMode m) {
  switch (m) {
    case SrtMode::kListener: return "listener";
    case SrtMode::kCaller: return "caller";
    case SrtMode::kRendezvous: return "rendezvous";
  }
  return "?";
}

core::Result<void> EndpointSpec::validate(bool is_input) const {
  const bool is_srt = transport == Transport::kSrt;
  const bool needs_remote = is_srt ? mode != SrtMode::kListener : !is_input;
  if (needs_remote && host.empty()) {
    return makeError(Errc::kInvalidArgument,
                     is_srt ? "an SRT caller or rendezvous needs the remote host"
                         : "a UDP output needs a destination address",
                     is_srt ? "target_addr" : "destination_addr");
  }
  if (needs_remote && port == 0) {
    return makeError(Errc::kInvalidArgument, "the remote port must be between 1 and 65535",
                     "port");
  }
  if (!host.empty()) {
    auto addr = net::resolve(host, port);
    if (!addr) {
      return makeError(Errc::kInvalidArgument, addr.error().message, is_srt ? "target_addr" : "host");
    }
    if (is_srt && net::isMulticast(*addr)) {
      return makeError(Errc::kInvalidArgument, "SRT cannot use a multicast address", "target_addr");
    }
    if (!is_srt && is_input && !net::isMulticast(*addr) && !multicast_source.empty()) {
      return makeError(Errc::kInvalidArgument, "multicast_source needs a multicast group address",
                       "multicast_source");
    }
  } else if (!multicast_source.empty()) {
    return makeError(Errc::kInvalidArgument, "multicast_source needs a multicast group address",
                     "multicast_source");
  }
  if (!local_addr.empty()) {
    auto addr = net::resolve(local_addr, 0);
    if (!addr) {
      return makeError(Errc::kInvalidArgument, addr.error().message, "local_addr");
    }
  }
  if (!interface.empty()) {
    auto iface = net::findInterface(interface);
    if (!iface) {
      return iface.error();
    }
  }
  if (ttl != -1 && (ttl < 1 || ttl > 255)) {
    return makeError(Errc::kInvalidArgument, fmt::format("ttl must be between 1 and 255, got {}", ttl),
                     "ttl");
  }
  if (tos != -1 && (tos < 0 || tos > 255)) {
    return makeError(Errc::kInvalidArgument, fmt::format("tos must be between 0 and 255, got {}", tos),
                     "tos");
  }
  if (udp_buffer != 0 && (udp_buffer < 65536 || udp_buffer > (256 << 20))) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("the UDP buffer must be between 65536 and 268435456 bytes, got {}",
                                 udp_buffer),
                     "udp_buffer");
  }
  if (max_clients < 0 || max_clients > kMaxClientsLimit) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("max_clients must be between 1 and {}, got {}", kMaxClientsLimit,
                                 max_clients),
                     "max_clients");
  }
  if (stall_timeout_ms != 0 && (stall_timeout_ms < 100 || stall_timeout_ms > 60000)) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("stall_timeout_ms must be between 100 and 60000, got {}",
                                 stall_timeout_ms),
                     "stall_timeout_ms");
  }
  if (is_srt) {
    return srt.validate();
  }
  return core::ok();
}

std::string EndpointSpec::describe() const {
  if (transport == Transport::kUdp) {
    return host.empty() ? fmt::format("UDP {}", port) : fmt::format("UDP {}:{}", host, port);
  }
  switch (mode) {
    case SrtMode::kListener: return fmt::format("SRT Listener {}", port);
    case SrtMode::kCaller: return fmt::format("SRT Caller {}:{}", host, port);
    case SrtMode::kRendezvous: return fmt::format("SRT Rendezvous {}:{}", host, port);
  }
  return "SRT";
}

}  // namespace srtgw::engine
