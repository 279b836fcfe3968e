#include "control/stats_json.hpp"

namespace srtgw::control {

using nlohmann::json;

json toJson(const srt::SrtLinkStats& s) {
  return json{
      {"rtt_ms", s.rtt_ms},
      {"bandwidth_mbps", s.bandwidth_mbps},
      {"send_rate_mbps", s.send_rate_mbps},
      {"recv_rate_mbps", s.recv_rate_mbps},
      {"packets_sent", s.packets_sent},
      {"packets_received", s.packets_received},
      {"bytes_sent", s.bytes_sent},
      {"bytes_received", s.bytes_received},
      {"packets_sent_lost", s.packets_sent_lost},
      {"packets_received_lost", s.packets_received_lost},
      {"packets_retransmitted", s.packets_retransmitted},
      {"packets_received_retransmitted", s.packets_received_retransmitted},
      {"packets_sent_dropped", s.packets_sent_dropped},
      {"packets_received_dropped", s.packets_received_dropped},
      {"packets_received_belated", s.packets_received_belated},
      {"packets_received_undecrypted", s.packets_received_undecrypted},
      {"fec_extra_sent", s.fec_extra_sent},
      {"fec_extra_received", s.fec_extra_received},
      {"fec_recovered", s.fec_recovered},
      {"fec_uncovered_loss", s.fec_uncovered_loss},
      {"flow_window", s.flow_window},
      {"congestion_window", s.congestion_window},
      {"flight_size", s.flight_size},
      {"send_buffer_ms", s.send_buffer_ms},
      {"receive_buffer_ms", s.receive_buffer_ms},
      {"send_buffer_bytes", s.send_buffer_bytes},
      {"receive_buffer_bytes", s.receive_buffer_bytes},
      {"send_buffer_packets", s.send_buffer_packets},
      {"receive_buffer_packets", s.receive_buffer_packets},
      {"send_buffer_available_bytes", s.send_buffer_available_bytes},
      {"receive_buffer_available_bytes", s.receive_buffer_available_bytes},
      {"send_latency_ms", s.send_latency_ms},
      {"receive_latency_ms", s.receive_latency_ms},
      {"reorder_tolerance", s.reorder_tolerance},
  };
}

json toJson(const engine::EndpointStats& s) {
  json j{
      {"id", s.id},
      {"name", s.name},
      {"state", engine::toString(s.state)},
      {"uptime_ms", s.uptime_ms},
      {"local_port", s.local_port},
      {"packets", s.packets},
      {"bytes", s.bytes},
      {"bitrate_bps", s.bitrate_bps},
      {"dropped", s.dropped},
      {"connects", s.connects},
      {"reconnects", s.reconnects},
      {"connect_attempts", s.connect_attempts},
      {"rejected", s.rejected},
  };
  if (!s.input_id.empty()) {
    j["input_id"] = s.input_id;
    j["connected_clients"] = s.connected_clients;
  } else {
    j["truncated"] = s.truncated;
    if (s.read_hold_us >= 0) {
      j["read_hold_us"] = s.read_hold_us;
    }
    j["analysis_skipped_packets"] = s.analysis_skipped_packets;
  }
  if (!s.error_message.empty()) {
    j["error_message"] = s.error_message;
  }
  if (!s.peer.empty()) {
    j["peer"] = s.peer;
  }
  if (s.srt) {
    j["srt"] = toJson(*s.srt);
  }
  if (!s.clients.empty()) {
    json clients = json::array();
    for (const auto& c : s.clients) {
      json cj{{"peer", c.peer},           {"stream_id", c.stream_id},
              {"connected_at_ms", c.connected_at_ms}, {"uptime_ms", c.uptime_ms},
              {"packets", c.packets},     {"bytes", c.bytes},
              {"dropped", c.dropped},     {"bitrate_bps", c.bitrate_bps}};
      if (c.srt) {
        cj["srt"] = toJson(*c.srt);
      }
      clients.push_back(std::move(cj));
    }
    j["clients"] = std::move(clients);
  }
  return j;
}

json toJson(const engine::InputStats& s) {
  json j = toJson(static_cast<const engine::EndpointStats&>(s));
  json outs = json::array();
  for (const auto& o : s.outputs) {
    outs.push_back(toJson(o));
  }
  j["outputs"] = std::move(outs);
  return j;
}

json toJson(const engine::EngineStats& s) {
  json inputs = json::array();
  for (const auto& in : s.inputs) {
    inputs.push_back(toJson(in));
  }
  return json{{"time_ms", s.taken_at_ms}, {"inputs", std::move(inputs)}};
}

}  // namespace srtgw::control
