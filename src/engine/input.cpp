#include "engine/input.hpp"

#include "engine/srt_inputs.hpp"
#include "engine/udp_input.hpp"

namespace srtgw::engine {

void Input::fillStats(EndpointStats& out, int64_t now_ms) {
  out.id = spec_.id;
  out.name = spec_.name;
  status_.fill(out);
  out.packets = counters_.packets.get();
  out.bytes = counters_.bytes.get();
  out.connects = counters_.connects.get();
  out.reconnects = out.connects > 0 ? out.connects - 1 : 0;
  out.connect_attempts = counters_.connect_attempts.get();
  out.rejected = counters_.rejected.get();
  out.bitrate_bps = rate_.update(out.bytes, now_ms);
  out.analysis_skipped_packets = tap_ ? tap_->skipped() : 0;
  srt::SocketId s = counters_.data_socket.load(std::memory_order_acquire);
  if (s != srt::kInvalidSocket) {
    if (auto st = srt::readLinkStats(s)) {
      out.srt = *st;
    }
  }
}

std::unique_ptr<Input> makeInput(const InputSpec& spec, SrtWorker& srt_worker,
                                 UdpWorker& udp_worker, const EventSink* sink) {
  if (spec.endpoint.transport == Transport::kUdp) {
    return std::make_unique<UdpInput>(spec, udp_worker, sink);
  }
  if (spec.endpoint.mode == SrtMode::kListener) {
    return std::make_unique<SrtListenerInput>(spec, srt_worker, sink);
  }
  return std::make_unique<SrtCallerInput>(spec, srt_worker, sink);
}

}  // namespace srtgw::engine
