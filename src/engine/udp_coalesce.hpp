#pragma once
// How long a UDP input is left unread after a read that found datagrams (its "read hold",
// docs/ARCHITECTURE.md): the defaults and the largest values the configuration accepts, in
// microseconds, and the rule that picks an input's hold from its outputs.

#include <vector>

#include "engine/spec.hpp"

namespace srtgw::engine {

/// Inputs with a UDP output (or none): UDP outputs send each batch as it is read, so the
/// hold is burstiness they pass on.
inline constexpr int kDefaultUdpCoalesceUs = 1000;
inline constexpr int kMaxUdpCoalesceUs = 20000;
/// Inputs whose outputs are all SRT: every datagram carries its arrival time and the
/// receivers' TSBPD restores the spacing, so a longer hold costs only SRT latency headroom
/// (capped below) and saves a wake-up per datagram for every receiver of a fan-out.
inline constexpr int kDefaultSrtCoalesceUs = 10000;
inline constexpr int kMaxSrtCoalesceUs = 50000;
/// An SRT-only input never holds longer than this share of its smallest SRT latency, so
/// most of the latency stays for retransmissions.
inline constexpr int kSrtLatencyShareDivisor = 8;
/// libsrt's latency when none is set.
inline constexpr int kSrtDefaultLatencyMs = 120;

/// The read hold for an input with these outputs, from the two configured values.
int readHoldUs(const std::vector<const EndpointSpec*>& outputs, int udp_coalesce_us,
               int srt_coalesce_us);

}  // namespace srtgw::engine
