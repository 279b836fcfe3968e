#pragma once
// The statistics snapshot the engine publishes: plain data for the relay, API and metrics.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "srt/stats.hpp"

namespace srtgw::engine {

// kStalled: connected, but nothing flows (no data in, or nothing acknowledged out) for the
// endpoint's stall timeout; back to kConnected as soon as it flows again.
enum class StreamState { kStopped, kListening, kConnecting, kConnected, kStalled, kReconnecting, kError };
const char* toString(StreamState s);

struct ClientStats {
  std::string peer;
  std::string stream_id;
  int64_t connected_at_ms = 0;  // wall clock
  int64_t uptime_ms = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;  // refused by a full send buffer
  double bitrate_bps = 0;
  std::optional<srt::SrtLinkStats> srt;
};

struct EndpointStats {
  std::string id;
  std::string name;
  std::string input_id;  // outputs only
  StreamState state = StreamState::kStopped;
  std::string error_message;
  std::string peer;
  uint16_t local_port = 0;
  int64_t uptime_ms = 0;  // since the current connection (or reception) began
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;    // outputs: packets this output could not take (the others still did)
  uint64_t truncated = 0;  // UDP inputs: datagrams larger than a slot
  int read_hold_us = -1;   // UDP inputs: left unread this long after a read (-1: not UDP)
  uint64_t analysis_skipped_packets = 0;  // inputs: TS packets the analyzer could not look at
  double bitrate_bps = 0;
  uint64_t connects = 0;            // connections established
  uint64_t reconnects = 0;          // of which after the first
  uint64_t connect_attempts = 0;
  uint64_t rejected = 0;            // callers turned away (second publisher, max clients)
  int connected_clients = 0;        // listener outputs
  std::optional<srt::SrtLinkStats> srt;
  std::vector<ClientStats> clients;  // listener outputs
};

struct InputStats : EndpointStats {
  std::vector<EndpointStats> outputs;
};

struct EngineStats {
  int64_t taken_at_ms = 0;  // wall clock
  std::vector<InputStats> inputs;
};

/// A state change, as the engine reports it to whoever listens (logs, events, WebSocket).
struct StateEvent {
  std::string type = "state";  // "state" | "client.connected" | "client.disconnected" | "rejected"
  std::string kind;            // "input" | "output"
  std::string id;
  StreamState state = StreamState::kStopped;
  std::string message;
  std::string peer;
  std::string stream_id;  // client and rejected events
  int code = 0;           // rejected: the SRT reject code sent back
};

}  // namespace srtgw::engine
