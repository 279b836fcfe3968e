#include "engine/listen_access.hpp"

#include "core/clock.hpp"
#include "net/address.hpp"
#include "srt/stream_id.hpp"

namespace srtgw::engine {

bool RejectThrottle::admit(const std::string& peer, int code, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(peer, code);
  auto it = last_.find(key);
  if (it != last_.end() && now_ms - it->second < kIntervalMs) {
    return false;
  }
  if (it == last_.end() && last_.size() >= kMaxCallers) {
    // Forget callers not heard of for a while; if all are recent, forget everything.
    for (auto i = last_.begin(); i != last_.end();) {
      i = now_ms - i->second >= kIntervalMs ? last_.erase(i) : std::next(i);
    }
    if (last_.size() >= kMaxCallers) last_.clear();
  }
  last_[key] = now_ms;
  return true;
}

void reportRejection(RejectThrottle& throttle, const sockaddr_storage& peer, std::string_view stream_id, int code,
                     const std::string& reason, Counters& counters, const Status& status) noexcept {
  counters.rejected.addShared(1);
  try {
    const std::string from = net::formatAddress(peer);
    if (throttle.admit(from, code, core::steadyNowMs())) {
      status.emit("rejected", reason, from, srt::displayStreamId(stream_id), code);
    }
  } catch (...) {
    // Reporting must never break libsrt's thread.
  }
}

int checkAccess(const srt::AccessRules& rules, const sockaddr_storage& peer, std::string_view stream_id,
                bool publishing, Counters& counters, const Status& status, RejectThrottle& throttle) noexcept {
  if (rules.empty()) {
    return 0;
  }
  try {
    auto decision = srt::decideAccess(rules, stream_id, publishing);
    if (decision.code == 0) {
      return 0;
    }
    reportRejection(throttle, peer, stream_id, decision.code, decision.reason, counters, status);
    return decision.code;
  } catch (...) {
    // Out of memory while deciding: refuse rather than let an unchecked caller in, and never
    // let an exception into libsrt's thread.
    return srt::kRejectUnauthorized;
  }
}

}  // namespace srtgw::engine
