#include "control/login_limiter.hpp"

#include <algorithm>

namespace srtgw::control {

int64_t LoginLimiter::waitFor(std::map<std::string, std::deque<int64_t>>& m, const std::string& key, size_t max,
                              int64_t now_ms) {
  auto it = m.find(key);
  if (it == m.end()) {
    return 0;
  }
  auto& times = it->second;
  while (!times.empty() && times.front() + limits_.window_ms <= now_ms) {
    times.pop_front();
  }
  if (times.empty()) {
    m.erase(it);
    return 0;
  }
  if (times.size() < max) {
    return 0;
  }
  // Blocked until enough failures have aged out of the window.
  return times[times.size() - max] + limits_.window_ms - now_ms;
}

void LoginLimiter::record(std::map<std::string, std::deque<int64_t>>& m, const std::string& key, size_t max,
                          int64_t now_ms) {
  if (m.size() >= limits_.max_keys && m.find(key) == m.end()) {
    // Forget the entry whose last failure is oldest.
    auto stalest = std::min_element(m.begin(), m.end(), [](const auto& a, const auto& b) {
      return (a.second.empty() ? 0 : a.second.back()) < (b.second.empty() ? 0 : b.second.back());
    });
    m.erase(stalest);
  }
  auto& times = m[key];
  times.push_back(now_ms);
  while (times.size() > max) {
    times.pop_front();  // only the last `max` matter
  }
}

int64_t LoginLimiter::waitMs(const std::string& user, const std::string& address, int64_t now_ms) {
  return std::max(waitFor(by_user_, user, limits_.max_per_user, now_ms),
                  waitFor(by_address_, address, limits_.max_per_address, now_ms));
}

void LoginLimiter::failure(const std::string& user, const std::string& address, int64_t now_ms) {
  record(by_user_, user, limits_.max_per_user, now_ms);
  record(by_address_, address, limits_.max_per_address, now_ms);
}

void LoginLimiter::success(const std::string& user, const std::string& address) {
  by_user_.erase(user);
  by_address_.erase(address);
}

std::string addressOf(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  if (colon == std::string::npos) {
    return peer;
  }
  std::string host = peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace srtgw::control
