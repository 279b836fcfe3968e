#include "control/metrics.hpp"

#include <fmt/format.h>

#include <functional>

namespace srtgw::control {
namespace {

constexpr engine::StreamState kStates[] = {
    engine::StreamState::kStopped,   engine::StreamState::kListening,
    engine::StreamState::kConnecting, engine::StreamState::kConnected,
    engine::StreamState::kStalled,   engine::StreamState::kReconnecting,
    engine::StreamState::kError};

class Writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(const char* name, const std::string& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += "{" + labels + "}";
    }
    out_ += fmt::format(" {}\n", value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string streamLabels(const MetricsStream& s) {
  std::string l = fmt::format(R"(kind="{}",id="{}",name="{}")", s.kind, escapeLabel(s.id),
                              escapeLabel(s.name));
  if (!s.input_id.empty()) {
    l += fmt::format(R"(,input_id="{}")", escapeLabel(s.input_id));
  }
  return l;
}

}  // namespace

std::string escapeLabel(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string renderMetrics(const MetricsContext& ctx) {
  Writer w;
  w.family("srtgw_build_info", "gauge", "Version of srtgw and of the libsrt it runs on.");
  w.sample("srtgw_build_info",
           fmt::format(R"(version="{}",libsrt_version="{}")", escapeLabel(ctx.version),
                       escapeLabel(ctx.libsrt_version)),
           1);
  w.family("srtgw_uptime_seconds", "gauge", "Seconds since srtgw started.");
  w.sample("srtgw_uptime_seconds", "", ctx.uptime_seconds);
  w.family("srtgw_process_cpu_seconds_total", "counter", "User and system CPU time of the process.");
  w.sample("srtgw_process_cpu_seconds_total", "", ctx.process.cpu_seconds);
  w.family("srtgw_process_resident_memory_bytes", "gauge", "Resident memory of the process.");
  w.sample("srtgw_process_resident_memory_bytes", "", static_cast<double>(ctx.process.rss_bytes));
  w.family("srtgw_process_threads", "gauge", "Threads of the process (libsrt's included).");
  w.sample("srtgw_process_threads", "", static_cast<double>(ctx.process.threads));
  w.family("srtgw_process_open_fds", "gauge", "Open file descriptors of the process.");
  w.sample("srtgw_process_open_fds", "", static_cast<double>(ctx.process.open_fds));

  w.family("srtgw_feed_clients", "gauge", "WebSocket clients of /api/v1/ws.");
  w.sample("srtgw_feed_clients", "", static_cast<double>(ctx.feed_clients));
  w.family("srtgw_feed_dropped_clients_total", "counter",
           "WebSocket clients disconnected because they could not keep up.");
  w.sample("srtgw_feed_dropped_clients_total", "", static_cast<double>(ctx.feed_dropped));
  w.family("srtgw_events_dropped_total", "counter", "Events lost because their queue was full.");
  w.sample("srtgw_events_dropped_total", "", static_cast<double>(ctx.events_dropped));

  w.family("srtgw_stream_enabled", "gauge", "1 when the stream is meant to run.");
  for (const auto& s : ctx.streams) {
    w.sample("srtgw_stream_enabled", streamLabels(s), s.enabled ? 1 : 0);
  }
  w.family("srtgw_stream_state", "gauge", "1 for the state the stream is in, 0 for the others.");
  for (const auto& s : ctx.streams) {
    engine::StreamState now = s.live != nullptr ? s.live->state
                              : s.failed        ? engine::StreamState::kError
                                                : engine::StreamState::kStopped;
    for (auto st : kStates) {
      w.sample("srtgw_stream_state",
               streamLabels(s) + fmt::format(R"(,state="{}")", engine::toString(st)),
               st == now ? 1 : 0);
    }
  }

  // Figures of running streams.
  struct Figure {
    const char* name;
    const char* type;
    const char* help;
    std::function<double(const engine::EndpointStats&)> value;
    bool outputs_only = false;
  };
  const Figure figures[] = {
      {"srtgw_stream_packets_total", "counter", "Packets received (inputs) or sent (outputs).",
       [](const auto& e) { return static_cast<double>(e.packets); }},
      {"srtgw_stream_bytes_total", "counter", "Payload bytes received (inputs) or sent (outputs).",
       [](const auto& e) { return static_cast<double>(e.bytes); }},
      {"srtgw_stream_rate_bytes", "gauge", "Payload rate in bytes per second over the last sample.",
       [](const auto& e) { return e.bitrate_bps / 8.0; }},
      {"srtgw_stream_dropped_packets_total", "counter",
       "Packets an output could not take (full send buffer); the others still got them.",
       [](const auto& e) { return static_cast<double>(e.dropped); }, true},
      {"srtgw_stream_connects_total", "counter", "Connections established.",
       [](const auto& e) { return static_cast<double>(e.connects); }},
      {"srtgw_stream_reconnects_total", "counter", "Connections re-established after the first.",
       [](const auto& e) { return static_cast<double>(e.reconnects); }},
      {"srtgw_stream_rejected_total", "counter",
       "SRT callers turned away (second publisher, too many clients).",
       [](const auto& e) { return static_cast<double>(e.rejected); }},
      {"srtgw_stream_connected_clients", "gauge", "SRT callers served by a listener output.",
       [](const auto& e) { return static_cast<double>(e.connected_clients); }, true},
      {"srtgw_stream_uptime_seconds", "gauge", "Seconds since the current connection began.",
       [](const auto& e) { return static_cast<double>(e.uptime_ms) / 1000.0; }},
  };
  for (const auto& f : figures) {
    w.family(f.name, f.type, f.help);
    for (const auto& s : ctx.streams) {
      if (s.live != nullptr && (!f.outputs_only || s.kind == "output")) {
        w.sample(f.name, streamLabels(s), f.value(*s.live));
      }
    }
  }

  // SRT link figures, from libsrt's statistics of the connection carrying data.
  struct SrtFigure {
    const char* name;
    const char* type;
    const char* help;
    const char* extra;  // extra labels
    std::function<double(const srt::SrtLinkStats&)> value;
  };
  const SrtFigure srt_figures[] = {
      {"srtgw_srt_rtt_seconds", "gauge", "Round-trip time.", "",
       [](const auto& s) { return s.rtt_ms / 1000.0; }},
      {"srtgw_srt_link_bandwidth_bytes", "gauge", "Estimated link bandwidth in bytes per second.", "",
       [](const auto& s) { return s.bandwidth_mbps * 1e6 / 8.0; }},
      {"srtgw_srt_packets_lost_total", "counter", "Packets lost.", R"(,direction="send")",
       [](const auto& s) { return static_cast<double>(s.packets_sent_lost); }},
      {"srtgw_srt_packets_lost_total", nullptr, nullptr, R"(,direction="receive")",
       [](const auto& s) { return static_cast<double>(s.packets_received_lost); }},
      {"srtgw_srt_packets_retransmitted_total", "counter", "Packets retransmitted.", "",
       [](const auto& s) { return static_cast<double>(s.packets_retransmitted); }},
      {"srtgw_srt_packets_dropped_total", "counter", "Packets dropped as too late.",
       R"(,direction="send")", [](const auto& s) { return static_cast<double>(s.packets_sent_dropped); }},
      {"srtgw_srt_packets_dropped_total", nullptr, nullptr, R"(,direction="receive")",
       [](const auto& s) { return static_cast<double>(s.packets_received_dropped); }},
      {"srtgw_srt_packets_belated_total", "counter", "Packets that arrived too late and were ignored.",
       "", [](const auto& s) { return static_cast<double>(s.packets_received_belated); }},
      {"srtgw_srt_packets_undecrypted_total", "counter",
       "Packets that could not be decrypted (a passphrase mismatch).", "",
       [](const auto& s) { return static_cast<double>(s.packets_received_undecrypted); }},
      {"srtgw_srt_buffer_seconds", "gauge", "Data held in libsrt's buffers, in seconds.",
       R"(,buffer="send")", [](const auto& s) { return static_cast<double>(s.send_buffer_ms) / 1000.0; }},
      {"srtgw_srt_buffer_seconds", nullptr, nullptr, R"(,buffer="receive")",
       [](const auto& s) { return static_cast<double>(s.receive_buffer_ms) / 1000.0; }},
      {"srtgw_srt_buffer_bytes", "gauge", "Data held in libsrt's buffers, in bytes.",
       R"(,buffer="send")", [](const auto& s) { return static_cast<double>(s.send_buffer_bytes); }},
      {"srtgw_srt_buffer_bytes", nullptr, nullptr, R"(,buffer="receive")",
       [](const auto& s) { return static_cast<double>(s.receive_buffer_bytes); }},
      {"srtgw_srt_latency_seconds", "gauge", "Negotiated TSBPD latency of what is received.", "",
       [](const auto& s) { return static_cast<double>(s.receive_latency_ms) / 1000.0; }},
  };
  for (const auto& f : srt_figures) {
    if (f.type != nullptr) {
      w.family(f.name, f.type, f.help);
    }
    for (const auto& s : ctx.streams) {
      if (s.live == nullptr) {
        continue;
      }
      if (s.live->srt) {
        w.sample(f.name, streamLabels(s) + f.extra, f.value(*s.live->srt));
      }
      // A listener output's figures are its callers', summed (or the worst RTT).
      if (!s.live->clients.empty() && !s.live->srt) {
        double v = 0;
        bool rtt = std::string(f.name) == "srtgw_srt_rtt_seconds";
        bool any = false;
        for (const auto& c : s.live->clients) {
          if (c.srt) {
            double x = f.value(*c.srt);
            v = rtt ? std::max(v, x) : v + x;
            any = true;
          }
        }
        if (any) {
          w.sample(f.name, streamLabels(s) + f.extra, v);
        }
      }
    }
  }
  // TR 101 290 per input: counters per indicator, alarms active now, what analysis skipped.
  w.family("srtgw_ts_errors_total", "counter", "TR 101 290 errors counted per indicator.");
  for (const auto& s : ctx.streams) {
    if (s.analysis) {
      for (const auto& ind : s.analysis->indicators) {
        w.sample("srtgw_ts_errors_total",
                 streamLabels(s) + fmt::format(R"(,indicator="{}",indicator_name="{}",priority="{}")",
                                               ind.id, ind.name, ind.priority),
                 static_cast<double>(ind.count));
      }
    }
  }
  w.family("srtgw_ts_alarm_active", "gauge", "1 while a TR 101 290 indicator is in alarm.");
  for (const auto& s : ctx.streams) {
    if (s.analysis) {
      for (const auto& ind : s.analysis->indicators) {
        w.sample("srtgw_ts_alarm_active",
                 streamLabels(s) + fmt::format(R"(,indicator="{}",indicator_name="{}",priority="{}")",
                                               ind.id, ind.name, ind.priority),
                 ind.active ? 1 : 0);
      }
    }
  }
  w.family("srtgw_ts_is_ts", "gauge", "1 when the input carries MPEG-TS, 0 when it does not.");
  for (const auto& s : ctx.streams) {
    if (s.analysis && s.analysis->detection != ts::TsDetection::kUnknown) {
      w.sample("srtgw_ts_is_ts", streamLabels(s), s.analysis->is_ts ? 1 : 0);
    }
  }
  w.family("srtgw_ts_bitrate_bytes", "gauge", "Transport stream rate seen by the analyzer, bytes per second.");
  for (const auto& s : ctx.streams) {
    if (s.analysis) {
      w.sample("srtgw_ts_bitrate_bytes", streamLabels(s),
               static_cast<double>(s.analysis->total_bitrate_bps) / 8.0);
    }
  }
  w.family("srtgw_ts_analysis_skipped_packets_total", "counter",
           "TS packets the analyzer could not look at (forwarding was not affected).");
  for (const auto& s : ctx.streams) {
    if (s.live != nullptr && s.kind == "input") {
      w.sample("srtgw_ts_analysis_skipped_packets_total", streamLabels(s),
               static_cast<double>(s.live->analysis_skipped_packets));
    }
  }
  return w.take();
}

}  // namespace srtgw::control
