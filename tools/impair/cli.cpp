#include "cli.hpp"

// CLI11's inlined string code trips GCC 12's -Wnull-dereference; the header is not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <fmt/format.h>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <vector>

#include "net/address.hpp"
#include "rng.hpp"

namespace srtgw::impair {
namespace {

using core::Errc;
using core::makeError;
using core::Result;

Result<double> parseNumber(const std::string& flag, const std::string& text, double min,
                           double max) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < min ||
      v > max) {
    return makeError(
        Errc::kInvalidArgument,
        fmt::format("--{}: expected a number in [{}, {}], got '{}'", flag, min, max, text), flag);
  }
  return v;
}

int64_t msToNs(double ms) { return static_cast<int64_t>(std::llround(ms * 1e6)); }

// "p,r[,h]" in percent.
Result<GilbertElliott> parseBurst(const std::string& flag, const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("--{}: expected P_GOOD_TO_BAD,P_BAD_TO_GOOD[,LOSS_IN_BAD] in "
                                 "percent, got '{}'",
                                 flag, text),
                     flag);
  }
  GilbertElliott ge;
  auto p = parseNumber(flag, parts[0], 0, 100);
  auto r = parseNumber(flag, parts[1], 0, 100);
  if (!p || !r) {
    return !p ? p.error() : r.error();
  }
  if (*p > 0 && *r <= 0) {
    return makeError(
        Errc::kInvalidArgument,
        fmt::format("--{}: P_BAD_TO_GOOD must be > 0 or the link never recovers", flag), flag);
  }
  ge.good_to_bad_pct = *p;
  ge.bad_to_good_pct = *r;
  if (parts.size() == 3) {
    auto h = parseNumber(flag, parts[2], 0, 100);
    if (!h) {
      return h.error();
    }
    ge.loss_in_bad_pct = *h;
  }
  return ge;
}

Result<sockaddr_storage> parseEndpoint(const std::string& flag, const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("--{}: expected [IPV6]:PORT, got '{}'", flag, text), flag);
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("--{}: expected HOST:PORT, got '{}'", flag, text), flag);
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto p = parseNumber(flag, port, 0, 65535);
  if (!p || std::floor(*p) != *p || host.empty()) {
    return makeError(
        Errc::kInvalidArgument,
        fmt::format("--{}: expected HOST:PORT with a port in 0..65535, got '{}'", flag, text),
        flag);
  }
  auto addr = net::resolve(host, static_cast<uint16_t>(*p));
  if (!addr) {
    return makeError(Errc::kInvalidArgument, fmt::format("--{}: {}", flag, addr.error().message),
                     flag);
  }
  return addr;
}

// One impairment knob: its flag name, help, and how a value lands in a DirectionConfig.
struct Knob {
  const char* name;
  const char* type;
  const char* help;
  std::function<Result<void>(const std::string& flag, const std::string& value,
                             DirectionConfig& out)>
      apply;
};

Result<void> setNumber(const std::string& flag, const std::string& value, double min, double max,
                       const std::function<void(double)>& set) {
  auto v = parseNumber(flag, value, min, max);
  if (!v) {
    return v.error();
  }
  set(*v);
  return core::ok();
}

std::vector<Knob> knobs() {
  constexpr double kMaxMs = 60'000;
  return {
      {"loss", "PCT", "random loss, percent of datagrams",
       [](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, 100, [&](double x) { c.loss_pct = x; });
       }},
      {"burst", "P,R[,H]",
       "Gilbert-Elliott bursty loss: P_GOOD_TO_BAD,P_BAD_TO_GOOD[,LOSS_IN_BAD] (percent)",
       [](const std::string& f, const std::string& v, DirectionConfig& c) -> Result<void> {
         auto ge = parseBurst(f, v);
         if (!ge) {
           return ge.error();
         }
         c.burst = *ge;
         return core::ok();
       }},
      {"delay-ms", "MS", "fixed one-way delay, milliseconds",
       [=](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, kMaxMs, [&](double x) { c.delay_ns = msToNs(x); });
       }},
      {"jitter-ms", "MS", "delay variation, milliseconds (see --jitter-dist)",
       [=](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, kMaxMs, [&](double x) { c.jitter_ns = msToNs(x); });
       }},
      {"jitter-dist", "uniform|normal",
       "uniform (delay +- jitter) or normal (sigma = jitter, clipped at 3 sigma)",
       [](const std::string& f, const std::string& v, DirectionConfig& c) -> Result<void> {
         if (v == "uniform") {
           c.jitter_distribution = JitterDistribution::kUniform;
         } else if (v == "normal") {
           c.jitter_distribution = JitterDistribution::kNormal;
         } else {
           return makeError(Errc::kInvalidArgument,
                            fmt::format("--{}: expected uniform or normal, got '{}'", f, v), f);
         }
         return core::ok();
       }},
      {"reorder", "PCT", "percent of datagrams held back by --reorder-gap-ms so later ones pass",
       [](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, 100, [&](double x) { c.reorder_pct = x; });
       }},
      {"reorder-gap-ms", "MS", "how long a reordered datagram is held back (default 5)",
       [=](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, kMaxMs, [&](double x) { c.reorder_gap_ns = msToNs(x); });
       }},
      {"duplicate", "PCT", "percent of datagrams sent twice",
       [](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, 100, [&](double x) { c.duplicate_pct = x; });
       }},
      {"rate-mbps", "MBPS", "rate cap in Mbit/s of UDP payload (token bucket; 0 = none)",
       [](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, 100'000, [&](double x) { c.rate_mbps = x; });
       }},
      {"rate-burst-kb", "KIB", "token bucket depth, KiB (default 16)",
       [](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, 1 << 20,
                          [&](double x) { c.rate_burst_bytes = static_cast<int64_t>(x * 1024); });
       }},
      {"queue-kb", "KIB", "rate cap queue size, KiB; datagrams past it are dropped (default 256)",
       [](const std::string& f, const std::string& v, DirectionConfig& c) {
         return setNumber(f, v, 0, 1 << 20,
                          [&](double x) { c.queue_bytes = static_cast<int64_t>(x * 1024); });
       }},
  };
}

uint64_t seedFromClock() {
  const auto t = std::chrono::system_clock::now().time_since_epoch().count();
  // Small enough to retype from the start line, mixed so runs a second apart differ a lot.
  return SplitMix64(static_cast<uint64_t>(t)).next() % 1'000'000'000;
}

}  // namespace

CliOutcome parseCommandLine(int argc, const char* const* argv) {
  CliOutcome out;
  CLI::App app{
      "srtgw-impair: a UDP relay that impairs traffic both ways (loss, bursts, delay, jitter,\n"
      "reordering, duplication, rate cap). Loopback only. Prints JSON lines on stdout."};
  app.get_formatter()->column_width(36);

  std::string listen;
  std::string forward;
  app.add_option("--listen", listen, "where clients send to (port 0: the OS picks)")
      ->type_name("HOST:PORT")
      ->required();
  app.add_option("--forward", forward, "where the relay forwards to")
      ->type_name("HOST:PORT")
      ->required();

  const std::vector<Knob> all = knobs();
  struct Values {
    std::string both, up, down;
    CLI::Option* o_both = nullptr;
    CLI::Option* o_up = nullptr;
    CLI::Option* o_down = nullptr;
  };
  std::map<std::string, Values> values;
  for (const Knob& k : all) {
    Values& v = values[k.name];
    const std::string n = k.name;
    v.o_both = app.add_option("--" + n, v.both, k.help)
                   ->type_name(k.type)
                   ->group("Impairments (both directions)");
    v.o_up = app.add_option("--" + n + "-up", v.up, "--" + n + " for client -> forward only")
                 ->type_name(k.type)
                 ->group("Per-direction overrides");
    v.o_down = app.add_option("--" + n + "-down", v.down, "--" + n + " for forward -> client only")
                   ->type_name(k.type)
                   ->group("Per-direction overrides");
  }

  uint64_t seed = 0;
  double report_ms = 0;
  double sockbuf_kb = out.config.socket_buffer_bytes / 1024.0;
  size_t max_clients = out.config.max_clients;
  double idle_ms = static_cast<double>(out.config.client_idle_ns) / 1e6;
  size_t max_pending = out.config.max_pending;
  auto* seed_opt = app.add_option("--seed", seed, "PRNG seed (default: from the clock, printed)");
  app.add_option("--report-ms", report_ms, "also print the counters every N ms (0: only at exit)")
      ->check(CLI::Range(0.0, 3'600'000.0));
  app.add_option("--sockbuf-kb", sockbuf_kb, "socket buffers, KiB (default 8192)")
      ->check(CLI::Range(64.0, 1'048'576.0));
  app.add_option("--max-clients", max_clients, "distinct client addresses (default 64)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--client-idle-ms", idle_ms,
                 "close a client's upstream socket after this long without traffic (default "
                 "60000)")
      ->check(CLI::Range(1.0, 86'400'000.0));
  app.add_option("--max-pending", max_pending,
                 "datagrams waiting to be sent, both directions (default 131072)")
      ->check(CLI::Range(1, 4'194'304));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out.exit_code = 0;
    out.message = app.help();
    return out;
  } catch (const CLI::ParseError& e) {
    out.exit_code = 2;
    out.message = e.what();
    return out;
  }

  auto fail = [&](const core::Error& e) {
    out.exit_code = 2;
    out.message = e.message;
    return out;
  };
  auto l = parseEndpoint("listen", listen);
  if (!l) {
    return fail(l.error());
  }
  auto f = parseEndpoint("forward", forward);
  if (!f) {
    return fail(f.error());
  }
  out.config.listen = *l;
  out.config.forward = *f;
  for (const Knob& k : all) {
    const Values& v = values[k.name];
    const std::string n = k.name;
    if (v.o_both->count() > 0) {
      for (DirectionConfig* dc : {&out.config.up, &out.config.down}) {
        if (auto r = k.apply(n, v.both, *dc); !r) {
          return fail(r.error());
        }
      }
    }
    if (v.o_up->count() > 0) {
      if (auto r = k.apply(n + "-up", v.up, out.config.up); !r) {
        return fail(r.error());
      }
    }
    if (v.o_down->count() > 0) {
      if (auto r = k.apply(n + "-down", v.down, out.config.down); !r) {
        return fail(r.error());
      }
    }
  }
  out.config.seed = seed_opt->count() > 0 ? seed : seedFromClock();
  out.config.report_interval_ns = msToNs(report_ms);
  out.config.socket_buffer_bytes = static_cast<int>(sockbuf_kb * 1024);
  out.config.max_clients = max_clients;
  out.config.client_idle_ns = msToNs(idle_ms);
  out.config.max_pending = max_pending;
  return out;
}

}  // namespace srtgw::impair
