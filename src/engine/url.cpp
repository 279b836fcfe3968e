#include "engine/url.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "net/address.hpp"

namespace srtgw::engine {
namespace {

using core::Errc;
using core::makeError;

core::Error bad(std::string message, std::string field = "url") {
  return makeError(Errc::kInvalidArgument, std::move(message), std::move(field));
}

core::Result<int> parseInt(std::string_view key, std::string_view v, int lo, int hi) {
  int out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || out < lo || out > hi) {
    return bad(fmt::format("'{}' must be a whole number between {} and {}, got '{}'", key, lo, hi, v),
               std::string(key));
  }
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Result<void> applySrtKey(EndpointSpec& spec, std::string_view key, const std::string& value,
                               bool& mode_set) {
  if (key == "mode") {
    mode_set = true;
    if (value == "listener" || value == "server") {
      spec.mode = SrtMode::kListener;
    } else if (value == "caller" || value == "client") {
      spec.mode = SrtMode::kCaller;
    } else if (value == "rendezvous") {
      spec.mode = SrtMode::kRendezvous;
    } else {
      return bad(fmt::format("mode must be listener, caller or rendezvous, got '{}'", value), "mode");
    }
    return core::ok();
  }
  if (key == "adapter") {
    spec.local_addr = value;
    return core::ok();
  }
  if (key == "port") {
    auto p = parseInt(key, value, 1, 65535);
    if (!p) return p.error();
    spec.local_port = static_cast<uint16_t>(*p);
    return core::ok();
  }
  if (key == "maxclients") {
    auto n = parseInt(key, value, 1, kMaxClientsLimit);
    if (!n) return n.error();
    spec.max_clients = *n;
    return core::ok();
  }
  if (key == "stalltimeo") {
    auto n = parseInt(key, value, 100, 60000);
    if (!n) return n.error();
    spec.stall_timeout_ms = *n;
    return core::ok();
  }
  return srt::setOptionFromUrl(spec.srt, key, value);
}

core::Result<void> applyUdpKey(EndpointSpec& spec, std::string_view key, const std::string& value) {
  if (key == "ttl") {
    auto n = parseInt(key, value, 1, 255);
    if (!n) return n.error();
    spec.ttl = *n;
  } else if (key == "iptos" || key == "tos") {
    auto n = parseInt(key, value, 0, 255);
    if (!n) return n.error();
    spec.tos = *n;
  } else if (key == "adapter") {
    // srt-live-transmit's adapter is an address; srtgw also takes an interface name.
    spec.interface = value;
    if (net::isNumericAddress(value)) {
      spec.local_addr = value;
    }
  } else if (key == "interface") {
    spec.interface = value;
  } else if (key == "source") {
    spec.multicast_source = value;
  } else if (key == "rcvbuf" || key == "sndbuf") {
    auto n = parseInt(key, value, 65536, 256 << 20);
    if (!n) return n.error();
    spec.udp_buffer = *n;
  } else {
    return bad(fmt::format("unknown UDP option '{}'", key), std::string(key));
  }
  return core::ok();
}

// Errors quote a URL only up to its query, which may carry a passphrase.
std::string_view withoutQuery(std::string_view url) { return url.substr(0, url.find('?')); }

}  // namespace

std::string percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hexValue(text[i + 1]);
      int lo = hexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    // A lone '%' is kept as typed: passphrases may contain one.
    out.push_back(text[i]);
  }
  return out;
}

core::Result<EndpointSpec> parseEndpointUrl(std::string_view url) {
  EndpointSpec spec;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return bad(fmt::format("'{}' is not a URL: expected srt://host:port or udp://host:port",
                           withoutQuery(url)));
  }
  std::string scheme(url.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme == "srt") {
    spec.transport = Transport::kSrt;
  } else if (scheme == "udp") {
    spec.transport = Transport::kUdp;
  } else {
    return bad(fmt::format("unsupported scheme '{}': use srt:// or udp://", scheme), "scheme");
  }
  std::string_view rest = url.substr(sep + 3);
  size_t qpos = rest.find('?');
  std::string_view authority = rest.substr(0, qpos);
  std::string_view query = qpos == std::string_view::npos ? std::string_view() : rest.substr(qpos + 1);
  if (size_t slash = authority.find('/'); slash != std::string_view::npos) {
    if (authority.substr(slash) != "/") {
      return bad(fmt::format("unexpected path '{}' in URL", authority.substr(slash)), "path");
    }
    authority = authority.substr(0, slash);
  }

  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad("unterminated IPv6 address in URL", "host");
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (after.empty() || after.front() != ':') {
      return bad("missing port in URL: expected [address]:port", "port");
    }
    port_text = after.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    if (colon == std::string_view::npos) {
      return bad(fmt::format("missing port in '{}': expected host:port or :port", withoutQuery(url)),
                 "port");
    }
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  // Port 0 asks the system for a free port (listeners and UDP inputs; useful in tests).
  auto port = parseInt("port", port_text, 0, 65535);
  if (!port) {
    return port.error();
  }
  spec.port = static_cast<uint16_t>(*port);
  spec.host = std::string(host);

  bool mode_set = false;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    std::string_view pair = query.substr(pos, amp == std::string_view::npos ? query.npos : amp - pos);
    pos = amp == std::string_view::npos ? query.size() : amp + 1;
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    const std::string value =
        percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (key.empty()) {
      return bad("a query part has no key: expected key=value", "query");
    }
    if (eq == std::string_view::npos) {
      return bad(fmt::format("query part '{}' is not key=value", key), std::string(key));
    }
    auto r = spec.transport == Transport::kSrt ? applySrtKey(spec, key, value, mode_set)
                                               : applyUdpKey(spec, key, value);
    if (!r) {
      return r.error();
    }
  }

  if (spec.transport == Transport::kSrt) {
    if (!mode_set) {
      spec.mode = spec.host.empty() ? SrtMode::kListener : SrtMode::kCaller;
    }
    if (spec.mode == SrtMode::kListener && !spec.host.empty()) {
      // srt://10.0.0.1:9000?mode=listener listens on that local address.
      if (spec.local_addr.empty()) {
        spec.local_addr = spec.host;
      }
      spec.host.clear();
    }
    if (spec.mode != SrtMode::kListener && spec.host.empty()) {
      return bad(fmt::format("an SRT {} needs a remote host: srt://host:port",
                             toString(spec.mode)),
                 "host");
    }
  }
  return spec;
}

}  // namespace srtgw::engine
