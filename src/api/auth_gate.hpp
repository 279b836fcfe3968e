#pragma once
// The door every request passes: finds the caller's credentials (Authorization: Bearer,
// X-API-Key, or the srtgw_session cookie), checks them with the AuthService, checks the
// route's role (access_policy) and, for cookie sessions, the CSRF token on writes; then
// hands the request, with its Caller filled in, to the router.
//
// 401 (with WWW-Authenticate) when credentials are missing or invalid, 403 when the role is
// too low or the CSRF token is missing. The WebSocket upgrade passes the same checks plus an
// Origin check (a browser page of another origin may not open the feed).

#include <functional>
#include <optional>

#include "api/router.hpp"
#include "control/auth_service.hpp"

namespace srtgw::api {

struct AuthGateConfig {
  bool metrics_public = false;  // /metrics without credentials
};

class AuthGate {
 public:
  AuthGate(control::AuthService& auth, const Router& router, AuthGateConfig cfg)
      : auth_(auth), router_(router), cfg_(cfg) {}

  /// Any HTTP thread.
  HttpResponse handle(const HttpRequest& req) const;
  /// Any HTTP thread: nothing when the upgrade may go ahead, else the answer to send.
  std::optional<HttpResponse> checkWebSocket(const HttpRequest& req) const;

 private:
  // Fills req.caller from the credentials; an error answer when they are present but bad.
  std::optional<HttpResponse> identify(HttpRequest& req, bool& from_cookie) const;

  control::AuthService& auth_;
  const Router& router_;
  AuthGateConfig cfg_;
};

/// The value of cookie `name` in a Cookie header, or "".
std::string cookieValue(const std::string& header, const std::string& name);

inline constexpr const char* kSessionCookie = "srtgw_session";

}  // namespace srtgw::api
