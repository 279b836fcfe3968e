#pragma once
// /api/v1/auth/login|logout|me, /api/v1/users and /api/v1/tokens. The AuthGate has already
// checked the caller's role when a handler runs.

#include "api/router.hpp"
#include "control/auth_service.hpp"

namespace srtgw::api {

struct AuthRoutesConfig {
  bool secure_cookie = false;  // add Secure to the session cookie (under TLS)
};

void addAuthRoutes(Router& r, control::AuthService* auth, AuthRoutesConfig cfg);

}  // namespace srtgw::api
