#pragma once
// SRT socket options as srtgw exposes them (API field names), their validation, and the
// table that maps URL query keys (srt-live-transmit style) onto them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace srtgw::srt {

struct FecConfig {
  int cols = 10;
  int rows = 5;
  std::string layout = "staircase";  // even | staircase
  std::string arq = "onreq";         // always | onreq | never

  /// libsrt's SRTO_PACKETFILTER string, e.g. "fec,cols:10,rows:5,layout:staircase,arq:onreq".
  std::string toFilterString() const;
  bool operator==(const FecConfig&) const = default;
};

/// Every field is optional: unset means libsrt's default.
struct SrtOptions {
  std::optional<int> latency_ms;            // SRTO_LATENCY, 0..60000
  std::optional<int> rcv_latency_ms;        // SRTO_RCVLATENCY
  std::optional<int> peer_latency_ms;       // SRTO_PEERLATENCY
  std::optional<std::string> passphrase;    // 10..80 characters; write-only
  std::optional<int> pbkeylen;              // 0, 16, 24, 32
  std::optional<std::string> stream_id;     // at most 512 characters
  std::optional<int64_t> max_bw;            // bytes/s; -1 = relative to input_bw, 0 = unlimited
  std::optional<int64_t> input_bw;          // bytes/s; 0 = estimate
  std::optional<int> overhead_pct;          // 5..100
  std::optional<FecConfig> fec;             // SRTO_PACKETFILTER
  std::optional<bool> tlpktdrop;
  std::optional<bool> tsbpd_mode;           // SRTO_TSBPDMODE: false = deliver on arrival
  std::optional<int> conn_timeout_ms;       // SRTO_CONNTIMEO
  std::optional<int> peer_idle_timeout_ms;  // SRTO_PEERIDLETIMEO
  std::optional<int> payload_size;          // SRTO_PAYLOADSIZE, 188..1456
  std::optional<int> rcvbuf;                // bytes
  std::optional<int> sndbuf;                // bytes
  std::optional<int> flow_window;           // SRTO_FC, packets
  std::optional<int> ip_ttl;                // SRTO_IPTTL
  std::optional<int> ip_tos;                // SRTO_IPTOS
  std::optional<bool> nak_report;           // SRTO_NAKREPORT
  std::optional<int> loss_max_ttl;          // SRTO_LOSSMAXTTL

  /// Checks ranges and combinations; the error names the offending field.
  core::Result<void> validate() const;
  bool operator==(const SrtOptions&) const = default;
};

/// The options an output's socket is opened with: `o`, sized for a socket that only sends.
/// libsrt sizes every socket to receive: SRTO_FC 25600 and SRTO_RCVBUF 8192 packets, whose
/// loss list and buffer index make ~0.75 MB per connection before any data, for every
/// caller a listener output serves. An output's peer sends only control packets, so unless
/// the user set either, flow_window and rcvbuf get libsrt's floor (32 packets). And libsrt
/// lets at most SRTO_SNDBUF (8192 packets, ~170 ms at 500 Mbps) wait for an ACK: a sender
/// thread kept off the CPU that long makes srt_sendmsg2 refuse packets. Unless the user set
/// it, sndbuf is 50 MB (what srt-live-transmit is tuned with); libsrt grows the buffer only
/// as far as it is needed, and drops what is older than the latency allows anyway.
SrtOptions outputDefaults(SrtOptions o);

inline constexpr int kOutputFlowWindow = 32;          // packets, libsrt's minimum
inline constexpr int kOutputRcvBufBytes = 32768;      // below 32 packets: libsrt's minimum
inline constexpr int kOutputSndBufBytes = 50'000'000;

/// Parses "fec,cols:10,rows:5,layout:staircase,arq:always" (libsrt packetfilter syntax).
core::Result<FecConfig> parseFecFilter(std::string_view text);

/// Sets one option from a URL query key (without SRTO_), e.g. ("latency", "200").
/// Unknown keys and malformed values give an error naming the key.
core::Result<void> setOptionFromUrl(SrtOptions& opts, std::string_view key, std::string_view value);

/// The query keys setOptionFromUrl understands, for help text.
std::vector<std::string_view> urlOptionKeys();

}  // namespace srtgw::srt
