#include "engine/udp_coalesce.hpp"

#include <algorithm>

namespace srtgw::engine {

namespace {

// The latency the receiver will play out with is at least what this side asks for.
int sendLatencyMs(const srt::SrtOptions& o) {
  if (o.peer_latency_ms) {
    return *o.peer_latency_ms;
  }
  if (o.latency_ms) {
    return *o.latency_ms;
  }
  return kSrtDefaultLatencyMs;
}

}  // namespace

int readHoldUs(const std::vector<const EndpointSpec*>& outputs, int udp_coalesce_us,
               int srt_coalesce_us) {
  const int base = std::max(udp_coalesce_us, 0);
  if (outputs.empty() || srt_coalesce_us <= base) {
    return base;
  }
  int hold = srt_coalesce_us;
  for (const EndpointSpec* ep : outputs) {
    if (ep->transport != Transport::kSrt) {
      return base;
    }
    hold = std::min(hold, sendLatencyMs(ep->srt) * 1000 / kSrtLatencyShareDivisor);
  }
  return std::max(hold, base);
}

}  // namespace srtgw::engine
