#pragma once
// An SRT listener's access rules applied in its listen callback, on libsrt's receive thread:
// a refused caller is counted and reported (its streamid with the s= credential redacted),
// and the SRT reject code is returned for libsrt to send back. Per connection attempt, never
// per packet.

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "engine/status.hpp"
#include "srt/access_control.hpp"

namespace srtgw::engine {

// A refused caller repeats its handshake every few milliseconds until it gives up: one
// rejection event per caller (address:port) and code every kIntervalMs is enough, or one
// misconfigured encoder floods the event log and every webhook.
class RejectThrottle {
 public:
  static constexpr int64_t kIntervalMs = 10000;
  static constexpr size_t kMaxCallers = 1024;
  /// Any thread: true when this rejection should be reported.
  bool admit(const std::string& peer, int code, int64_t now_ms);

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> last_;  // guarded by mu_
};

/// Counts a rejection and reports it (throttled; the streamid's s= credential redacted).
void reportRejection(RejectThrottle& throttle, const sockaddr_storage& peer, std::string_view stream_id, int code,
                     const std::string& reason, Counters& counters, const Status& status) noexcept;

/// 0 to go on, else the reject code already reported. `publishing`: the endpoint is an input.
int checkAccess(const srt::AccessRules& rules, const sockaddr_storage& peer, std::string_view stream_id,
                bool publishing, Counters& counters, const Status& status, RejectThrottle& throttle) noexcept;

}  // namespace srtgw::engine
