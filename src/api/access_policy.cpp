#include "api/access_policy.hpp"

namespace srtgw::api {
namespace {

constexpr int kViewer = 1;
constexpr int kOperator = 2;
constexpr int kAdmin = 3;

bool under(const std::string& pattern, const std::string& base) {
  return pattern == base || pattern.rfind(base + "/", 0) == 0;
}

}  // namespace

std::optional<int> requiredRole(const std::string& method, const std::string& pattern, bool metrics_public) {
  const bool read = method == "GET" || method == "HEAD";
  if (pattern == "/healthz" || (method == "POST" && pattern == "/api/v1/auth/login")) {
    return std::nullopt;
  }
  if (pattern == "/metrics") {
    return metrics_public ? std::nullopt : std::optional<int>(kViewer);
  }
  if (under(pattern, "/api/v1/users") || under(pattern, "/api/v1/tokens")) {
    return kAdmin;
  }
  if (under(pattern, "/api/v1/webhooks")) {
    return read ? kOperator : kAdmin;  // webhook URLs are integration details; changes are admin's
  }
  if (under(pattern, "/api/v1/auth")) {
    return kViewer;  // me, logout: anybody logged in
  }
  if (read) {
    return kViewer;
  }
  if (under(pattern, "/api/v1/inputs") || under(pattern, "/api/v1/outputs")) {
    return kOperator;
  }
  return kAdmin;
}

}  // namespace srtgw::api
