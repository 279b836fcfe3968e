#include "app/relay.hpp"

#include <cstdio>
#include <fmt/format.h>

#include "app/cpu_latency.hpp"
#include "app/signals.hpp"
#include "control/stats_json.hpp"
#include "core/log.hpp"
#include "engine/engine.hpp"
#include "engine/url.hpp"

namespace srtgw::app {

int runRelay(const RelayOptions& opts) {
  const sigset_t stop_signals = blockStopSignals();

  engine::InputSpec input;
  input.id = "in";
  auto in_ep = engine::parseEndpointUrl(opts.input_url);
  if (!in_ep) {
    std::fprintf(stderr, "srtgw relay: bad input URL: %s\n", in_ep.error().message.c_str());
    return 2;
  }
  input.endpoint = *in_ep;
  input.name = input.endpoint.describe();
  if (auto r = input.endpoint.validate(true); !r) {
    std::fprintf(stderr, "srtgw relay: bad input URL: %s\n", r.error().message.c_str());
    return 2;
  }

  std::vector<engine::OutputSpec> outputs;
  for (size_t i = 0; i < opts.output_urls.size(); ++i) {
    engine::OutputSpec out;
    out.id = fmt::format("out{}", i + 1);
    out.input_id = input.id;
    auto ep = engine::parseEndpointUrl(opts.output_urls[i]);
    if (!ep) {
      std::fprintf(stderr, "srtgw relay: bad output URL #%zu: %s\n", i + 1,
                   ep.error().message.c_str());
      return 2;
    }
    out.endpoint = *ep;
    out.name = out.endpoint.describe();
    if (auto r = out.endpoint.validate(false); !r) {
      std::fprintf(stderr, "srtgw relay: bad output URL #%zu: %s\n", i + 1,
                   r.error().message.c_str());
      return 2;
    }
    outputs.push_back(std::move(out));
  }

  engine::EngineConfig cfg;
  cfg.srt_workers = opts.srt_workers;
  cfg.udp_coalesce_us = opts.udp_coalesce_us;
  cfg.srt_coalesce_us = opts.srt_coalesce_us;
  cfg.on_event = [](const engine::StateEvent& e) {
    // URLs may carry passphrases: log names and ids only.
    spdlog::info("{} {}: {}{}{}", e.kind, e.id, engine::toString(e.state),
                 e.peer.empty() ? "" : " peer " + e.peer,
                 e.message.empty() ? "" : " (" + e.message + ")");
  };
  engine::Engine eng(cfg);
  if (opts.realtime_priority > 0) {
    // Before any socket exists, so that libsrt's threads inherit the policy. Not being
    // allowed is said once and the relay runs on at normal priority.
    if (auto r = eng.useRealtimePriority(opts.realtime_priority); !r) {
      std::fprintf(stderr, "srtgw relay: --realtime-priority: %s; running at normal priority\n",
                   r.error().message.c_str());
    }
  }

  // Held until the relay returns; the kernel drops the request when the file closes.
  CpuLatencyHold cpu_latency;
  if (opts.cpu_latency_us >= 0) {
    if (auto h = CpuLatencyHold::hold(opts.cpu_latency_us); !h) {
      std::fprintf(stderr, "srtgw relay: --cpu-latency-us: %s; CPUs idle as the host decides\n",
                   h.error().message.c_str());
    } else {
      cpu_latency = std::move(*h);
    }
  }

  if (auto r = eng.addInput(input); !r) {
    std::fprintf(stderr, "srtgw relay: cannot start input %s: %s\n", input.name.c_str(),
                 r.error().message.c_str());
    return 1;
  }
  spdlog::info("input {}: {}", input.id, input.name);
  for (const auto& out : outputs) {
    if (auto r = eng.addOutput(out); !r) {
      std::fprintf(stderr, "srtgw relay: cannot start output %s: %s\n", out.name.c_str(),
                   r.error().message.c_str());
      return 1;
    }
    spdlog::info("output {}: {}", out.id, out.name);
  }

  const int wait_ms = opts.stats_interval_ms > 0 ? opts.stats_interval_ms : 1000;
  for (;;) {
    int sig = waitStopSignal(stop_signals, wait_ms);
    if (sig != 0) {
      spdlog::info("signal {}: stopping", sig);
      break;
    }
    if (opts.stats_interval_ms > 0) {
      auto snap = eng.sampleNow();
      std::string line = control::toJson(*snap).dump();
      std::fprintf(stdout, "%s\n", line.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace srtgw::app
