#pragma once
// Failed-login rate limiting, per user name and per client address: after `max_per_user`
// failures for one name (or `max_per_address` from one address) within `window`, further
// attempts are refused until the oldest failure leaves the window. A success clears the
// name's and the address's failures. Memory is bounded: at most `max_keys` names and
// addresses are remembered (the stalest go first). Not thread-safe: the owner serializes.

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace srtgw::control {

struct LoginLimits {
  size_t max_per_user = 5;
  size_t max_per_address = 20;
  int64_t window_ms = 5 * 60 * 1000;
  size_t max_keys = 10000;
};

class LoginLimiter {
 public:
  explicit LoginLimiter(LoginLimits limits = {}) : limits_(limits) {}

  /// How long the next attempt for (user, address) must wait; 0 when it may go ahead.
  int64_t waitMs(const std::string& user, const std::string& address, int64_t now_ms);
  void failure(const std::string& user, const std::string& address, int64_t now_ms);
  void success(const std::string& user, const std::string& address);

 private:
  int64_t waitFor(std::map<std::string, std::deque<int64_t>>& m, const std::string& key, size_t max,
                  int64_t now_ms);
  void record(std::map<std::string, std::deque<int64_t>>& m, const std::string& key, size_t max, int64_t now_ms);

  LoginLimits limits_;
  std::map<std::string, std::deque<int64_t>> by_user_;
  std::map<std::string, std::deque<int64_t>> by_address_;
};

/// The address part of "host:port" (IPv4, or IPv6 written without brackets by the server).
std::string addressOf(const std::string& peer);

}  // namespace srtgw::control
