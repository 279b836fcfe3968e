#include "engine/stats.hpp"

namespace srtgw::engine {

const char* toString(StreamState s) {
  switch (s) {
    case StreamState::kStopped: return "stopped";
    case StreamState::kListening: return "listening";
    case StreamState::kConnecting: return "connecting";
    case StreamState::kConnected: return "connected";
    case StreamState::kStalled: return "stalled";
    case StreamState::kReconnecting: return "reconnecting";
    case StreamState::kError: return "error";
  }
  return "?";
}

}  // namespace srtgw::engine
