#pragma once
// Tells a connection that carries nothing from one that is merely quiet, before libsrt does
// (libsrt notices a dead peer only at SRTO_PEERIDLETIMEO, 5 s by default).
//
// The owner's worker feeds it from its tick, never per packet: a progress count (data
// packets received, or acknowledgements a sender got back) and whether progress is owed (a
// receiver always expects data; a sender only while it has unacknowledged packets). A sender
// whose input is idle owes nothing and is never stalled. Pure: no clock, no libsrt.

#include <algorithm>
#include <cstdint>

namespace srtgw::engine {

/// Default for EndpointSpec::stall_timeout_ms.
inline constexpr int kDefaultStallTimeoutMs = 1000;
/// How often workers look for stalls (bounds the detection delay beyond the timeout).
inline constexpr int kStallCheckMs = 100;

class StallDetector {
 public:
  enum class Verdict {
    kFlowing,  // progress within the timeout, or nothing owed
    kStalled,  // nothing for `timeout` while owed
    kDead,     // nothing for `timeout` + the grace: close and let the peer come back
  };

  /// A new connection starts flowing at `now_ms`. `grace_ms` is how long a stall lasts before
  /// kDead (the owner may lengthen it, see lengthenGrace()).
  void reset(int64_t now_ms, uint64_t progress, int64_t grace_ms) {
    last_progress_ = progress;
    since_ms_ = now_ms;
    grace_ms_ = grace_ms;
  }

  Verdict update(int64_t now_ms, uint64_t progress, bool owed, int64_t timeout_ms) {
    if (progress != last_progress_ || !owed) {
      last_progress_ = progress;
      since_ms_ = now_ms;
      return Verdict::kFlowing;
    }
    const int64_t quiet = now_ms - since_ms_;
    if (quiet >= timeout_ms + grace_ms_) {
      return Verdict::kDead;
    }
    return quiet >= timeout_ms ? Verdict::kStalled : Verdict::kFlowing;
  }

  /// How long nothing moved while owed, as of the last update.
  int64_t quietMs(int64_t now_ms) const { return now_ms - since_ms_; }

 private:
  uint64_t last_progress_ = 0;
  int64_t since_ms_ = 0;
  int64_t grace_ms_ = 0;
};

/// The stall timeout of an endpoint (0 in the spec means the default).
inline int64_t stallTimeoutMs(int spec_value) {
  return spec_value > 0 ? spec_value : kDefaultStallTimeoutMs;
}

/// The grace after which a caller that receives and got nothing redials: the timeout at
/// first, doubled after every redial that brought no data (an idle but alive source is not
/// redialled in a loop), up to kMaxRedialGraceMs.
inline constexpr int64_t kMaxRedialGraceMs = 32000;
inline int64_t nextRedialGrace(int64_t grace_ms, int64_t timeout_ms) {
  return std::min(std::max(grace_ms * 2, timeout_ms), kMaxRedialGraceMs);
}

}  // namespace srtgw::engine
