#pragma once
// What an input or output should be: transport, mode, addresses and options.
// Plain data, shared by the URL parser, the relay command and (later) the REST API.

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "srt/access_control.hpp"
#include "srt/options.hpp"

namespace srtgw::engine {

enum class Transport { kSrt, kUdp };
enum class SrtMode { kListener, kCaller, kRendezvous };

const char* toString(Transport t);
const char* toString(SrtMode m);

inline constexpr int kDefaultMaxClients = 256;
inline constexpr int kMaxClientsLimit = 4096;

struct EndpointSpec {
  Transport transport = Transport::kSrt;
  SrtMode mode = SrtMode::kListener;
  // SRT caller/rendezvous: the remote host. UDP input: the address to receive on (a local
  // address or a multicast group; empty = any). UDP output: the destination.
  std::string host;
  // SRT listener: the local port. SRT caller/rendezvous and UDP: the remote/group port.
  uint16_t port = 0;
  std::string local_addr;       // adapter: the local address to bind
  uint16_t local_port = 0;      // SRT caller: outgoing port; rendezvous: local port (0 = port)
  std::string interface;        // UDP multicast interface (name or IPv4 address)
  std::string multicast_source; // UDP SSM sender
  int ttl = -1;                 // UDP output
  int tos = -1;                 // UDP output
  int udp_buffer = 0;           // UDP socket buffer in bytes (0 = srtgw's default, 8 MiB)
  int max_clients = 0;          // SRT listener output (0 = kDefaultMaxClients)
  int stall_timeout_ms = 0;     // SRT: no progress this long = stalled (0 = 1000 ms)
  srt::SrtOptions srt;
  srt::AccessRules access;      // SRT listener: who may connect (empty: anyone)

  /// Checks the whole spec; the error's field names what is wrong.
  core::Result<void> validate(bool is_input) const;
  /// A readable default name: "SRT Listener 9000", "UDP 239.1.1.1:5000".
  std::string describe() const;
  bool isSrtListener() const { return transport == Transport::kSrt && mode == SrtMode::kListener; }
  bool operator==(const EndpointSpec&) const = default;
};

struct InputSpec {
  std::string id;
  std::string name;
  EndpointSpec endpoint;
};

struct OutputSpec {
  std::string id;
  std::string input_id;
  std::string name;
  EndpointSpec endpoint;
};

}  // namespace srtgw::engine
