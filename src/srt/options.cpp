#include "srt/options.hpp"

#include <charconv>
#include <fmt/format.h>

namespace srtgw::srt {
namespace {

using core::Errc;
using core::makeError;

template <typename T>
core::Result<T> parseNumber(std::string_view key, std::string_view value) {
  T out{};
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("'{}' must be a whole number, got '{}'", key, value),
                     std::string(key));
  }
  return out;
}

core::Result<bool> parseBool(std::string_view key, std::string_view value) {
  if (value == "1" || value == "true" || value == "yes" || value == "on") {
    return true;
  }
  if (value == "0" || value == "false" || value == "no" || value == "off") {
    return false;
  }
  return makeError(Errc::kInvalidArgument,
                   fmt::format("'{}' must be true or false, got '{}'", key, value),
                   std::string(key));
}

core::Result<void> checkRange(const char* field, std::optional<int64_t> v, int64_t lo, int64_t hi) {
  if (v && (*v < lo || *v > hi)) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("{} must be between {} and {}, got {}", field, lo, hi, *v), field);
  }
  return core::ok();
}

template <typename T>
std::optional<int64_t> widen(const std::optional<T>& v) {
  return v ? std::optional<int64_t>(*v) : std::nullopt;
}

// One URL key: how to parse its value into SrtOptions.
struct UrlKey {
  std::string_view key;
  core::Result<void> (*set)(SrtOptions&, std::string_view key, std::string_view value);
};

template <auto Member>
core::Result<void> setInt(SrtOptions& o, std::string_view key, std::string_view value) {
  using T = typename std::remove_reference_t<decltype(o.*Member)>::value_type;
  auto n = parseNumber<T>(key, value);
  if (!n) {
    return n.error();
  }
  o.*Member = *n;
  return core::ok();
}

template <auto Member>
core::Result<void> setBool(SrtOptions& o, std::string_view key, std::string_view value) {
  auto b = parseBool(key, value);
  if (!b) {
    return b.error();
  }
  o.*Member = *b;
  return core::ok();
}

template <auto Member>
core::Result<void> setString(SrtOptions& o, std::string_view, std::string_view value) {
  o.*Member = std::string(value);
  return core::ok();
}

core::Result<void> setFec(SrtOptions& o, std::string_view, std::string_view value) {
  auto fec = parseFecFilter(value);
  if (!fec) {
    return fec.error();
  }
  o.fec = *fec;
  return core::ok();
}

core::Result<void> setTranstype(SrtOptions&, std::string_view key, std::string_view value) {
  if (value != "live") {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("'{}': srtgw carries live streams only (transtype=live)", key),
                     std::string(key));
  }
  return core::ok();
}

const UrlKey kUrlKeys[] = {
    {"latency", &setInt<&SrtOptions::latency_ms>},
    {"rcvlatency", &setInt<&SrtOptions::rcv_latency_ms>},
    {"peerlatency", &setInt<&SrtOptions::peer_latency_ms>},
    {"passphrase", &setString<&SrtOptions::passphrase>},
    {"pbkeylen", &setInt<&SrtOptions::pbkeylen>},
    {"streamid", &setString<&SrtOptions::stream_id>},
    {"maxbw", &setInt<&SrtOptions::max_bw>},
    {"inputbw", &setInt<&SrtOptions::input_bw>},
    {"oheadbw", &setInt<&SrtOptions::overhead_pct>},
    {"packetfilter", &setFec},
    {"tlpktdrop", &setBool<&SrtOptions::tlpktdrop>},
    {"tsbpdmode", &setBool<&SrtOptions::tsbpd_mode>},
    {"conntimeo", &setInt<&SrtOptions::conn_timeout_ms>},
    {"peeridletimeo", &setInt<&SrtOptions::peer_idle_timeout_ms>},
    {"payloadsize", &setInt<&SrtOptions::payload_size>},
    {"rcvbuf", &setInt<&SrtOptions::rcvbuf>},
    {"sndbuf", &setInt<&SrtOptions::sndbuf>},
    {"fc", &setInt<&SrtOptions::flow_window>},
    {"ipttl", &setInt<&SrtOptions::ip_ttl>},
    {"iptos", &setInt<&SrtOptions::ip_tos>},
    {"nakreport", &setBool<&SrtOptions::nak_report>},
    {"lossmaxttl", &setInt<&SrtOptions::loss_max_ttl>},
    {"transtype", &setTranstype},
};

}  // namespace

std::string FecConfig::toFilterString() const {
  return fmt::format("fec,cols:{},rows:{},layout:{},arq:{}", cols, rows, layout, arq);
}

core::Result<FecConfig> parseFecFilter(std::string_view text) {
  FecConfig fec;
  auto bad = [&](std::string msg) {
    return makeError(Errc::kInvalidArgument, "packetfilter: " + std::move(msg), "fec");
  };
  size_t pos = 0;
  bool first = true;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view part = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    pos = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (first) {
      if (part != "fec") {
        return bad(fmt::format("only the 'fec' filter is supported, got '{}'", part));
      }
      first = false;
      continue;
    }
    size_t colon = part.find(':');
    if (colon == std::string_view::npos) {
      return bad(fmt::format("expected key:value, got '{}'", part));
    }
    std::string_view k = part.substr(0, colon);
    std::string_view v = part.substr(colon + 1);
    if (k == "cols" || k == "rows") {
      auto n = parseNumber<int>(k, v);
      if (!n) {
        return bad(n.error().message);
      }
      (k == "cols" ? fec.cols : fec.rows) = *n;
    } else if (k == "layout") {
      fec.layout = std::string(v);
    } else if (k == "arq") {
      fec.arq = std::string(v);
    } else {
      return bad(fmt::format("unknown key '{}'", k));
    }
  }
  if (first) {
    return bad("empty filter");
  }
  return fec;
}

core::Result<void> SrtOptions::validate() const {
  for (auto r : {checkRange("latency_ms", widen(latency_ms), 0, 60000),
                 checkRange("rcv_latency_ms", widen(rcv_latency_ms), 0, 60000),
                 checkRange("peer_latency_ms", widen(peer_latency_ms), 0, 60000),
                 checkRange("max_bw", widen(max_bw), -1, INT64_MAX),
                 checkRange("input_bw", widen(input_bw), 0, INT64_MAX),
                 checkRange("overhead_pct", widen(overhead_pct), 5, 100),
                 checkRange("conn_timeout_ms", widen(conn_timeout_ms), 100, 120000),
                 checkRange("peer_idle_timeout_ms", widen(peer_idle_timeout_ms), 1000, 3600000),
                 checkRange("payload_size", widen(payload_size), 188, 1456),
                 checkRange("rcvbuf", widen(rcvbuf), 32768, 1 << 30),
                 checkRange("sndbuf", widen(sndbuf), 32768, 1 << 30),
                 checkRange("flow_window", widen(flow_window), 32, 1 << 20),
                 checkRange("ttl", widen(ip_ttl), 1, 255),
                 checkRange("tos", widen(ip_tos), 0, 255),
                 checkRange("loss_max_ttl", widen(loss_max_ttl), 0, 1000)}) {
    if (!r) {
      return r;
    }
  }
  if (passphrase && !passphrase->empty() && (passphrase->size() < 10 || passphrase->size() > 80)) {
    // Never echo the passphrase itself: only its length.
    return makeError(Errc::kInvalidArgument,
                     fmt::format("passphrase must be 10 to 80 characters, got {}",
                                 passphrase->size()),
                     "passphrase");
  }
  if (pbkeylen && *pbkeylen != 0 && *pbkeylen != 16 && *pbkeylen != 24 && *pbkeylen != 32) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("pbkeylen must be 16, 24 or 32, got {}", *pbkeylen), "pbkeylen");
  }
  if (pbkeylen && *pbkeylen != 0 && (!passphrase || passphrase->empty())) {
    return makeError(Errc::kInvalidArgument, "pbkeylen needs a passphrase", "pbkeylen");
  }
  if (stream_id && stream_id->size() > 512) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("stream_id must be at most 512 characters, got {}",
                                 stream_id->size()),
                     "stream_id");
  }
  if (fec) {
    if (fec->cols < 1 || fec->cols > 256) {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("fec.cols must be between 1 and 256, got {}", fec->cols),
                       "fec.cols");
    }
    // libsrt accepts a negative row count (rows without row FEC); 0 is meaningless.
    if (fec->rows == 0 || fec->rows < -256 || fec->rows > 256) {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("fec.rows must be between 1 and 256 (or -256..-1), got {}",
                                   fec->rows),
                       "fec.rows");
    }
    if (fec->layout != "even" && fec->layout != "staircase") {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("fec.layout must be even or staircase, got '{}'", fec->layout),
                       "fec.layout");
    }
    if (fec->arq != "always" && fec->arq != "onreq" && fec->arq != "never") {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("fec.arq must be always, onreq or never, got '{}'", fec->arq),
                       "fec.arq");
    }
  }
  return core::ok();
}

core::Result<void> setOptionFromUrl(SrtOptions& opts, std::string_view key,
                                    std::string_view value) {
  for (const auto& k : kUrlKeys) {
    if (k.key == key) {
      return k.set(opts, key, value);
    }
  }
  return makeError(Errc::kInvalidArgument, fmt::format("unknown SRT option '{}'", key),
                   std::string(key));
}

SrtOptions outputDefaults(SrtOptions o) {
  // Both or neither: libsrt clamps SRTO_RCVBUF to SRTO_FC, so a user's rcvbuf must not meet
  // our flow window (and a user's flow window is left with libsrt's rcvbuf).
  if (!o.flow_window && !o.rcvbuf) {
    o.flow_window = kOutputFlowWindow;
    o.rcvbuf = kOutputRcvBufBytes;
  }
  if (!o.sndbuf) {
    o.sndbuf = kOutputSndBufBytes;
  }
  return o;
}

std::vector<std::string_view> urlOptionKeys() {
  std::vector<std::string_view> keys;
  for (const auto& k : kUrlKeys) {
    keys.push_back(k.key);
  }
  return keys;
}

}  // namespace srtgw::srt
