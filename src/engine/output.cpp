#include "engine/output.hpp"

#include "engine/srt_caller_output.hpp"
#include "engine/srt_listener_output.hpp"
#include "engine/udp_output.hpp"

namespace srtgw::engine {

void Output::fillStats(EndpointStats& out, int64_t now_ms) {
  out.id = spec_.id;
  out.name = spec_.name;
  out.input_id = spec_.input_id;
  status_.fill(out);
  out.packets = counters_.packets.get();
  out.bytes = counters_.bytes.get();
  out.dropped = counters_.dropped.get();
  out.connects = counters_.connects.get();
  out.reconnects = out.connects > 0 ? out.connects - 1 : 0;
  out.connect_attempts = counters_.connect_attempts.get();
  out.rejected = counters_.rejected.get();
  out.bitrate_bps = rate_.update(out.bytes, now_ms);
  srt::SocketId s = counters_.data_socket.load(std::memory_order_acquire);
  if (s != srt::kInvalidSocket) {
    if (auto st = srt::readLinkStats(s)) {
      out.srt = *st;
    }
  }
}

std::shared_ptr<Output> makeOutput(const OutputSpec& spec, SrtWorker& manager,
                                   const EventSink* sink) {
  if (spec.endpoint.transport == Transport::kUdp) {
    return std::make_shared<UdpOutput>(spec, sink);
  }
  if (spec.endpoint.mode == SrtMode::kListener) {
    return std::make_shared<SrtListenerOutput>(spec, manager, sink);
  }
  return std::make_shared<SrtCallerOutput>(spec, manager, sink);
}

}  // namespace srtgw::engine
