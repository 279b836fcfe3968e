// Which role each route needs, checked over the whole route table.

#include "api/access_policy.hpp"

#include <gtest/gtest.h>

#include "api/auth_gate.hpp"
#include "api/auth_routes.hpp"
#include "api/rest_routes.hpp"
#include "api/webhook_routes.hpp"

namespace srtgw::api {
namespace {

TEST(AccessPolicy, OnlyHealthAndLoginArePublicAndEveryRouteHasARole) {
  Router router;
  addRestRoutes(router, nullptr, nullptr, nullptr);
  addWebhookRoutes(router, nullptr);
  addAuthRoutes(router, nullptr, {});
  int public_routes = 0;
  for (const auto& [method, pattern] : router.routes()) {
    auto need = requiredRole(method, pattern, false);
    if (!need) {
      ++public_routes;
      EXPECT_TRUE((method == "GET" && pattern == "/healthz") || (method == "POST" && pattern == "/api/v1/auth/login"))
          << method << " " << pattern << " must not be public";
      continue;
    }
    const bool read = method == "GET";
    if (pattern.rfind("/api/v1/users", 0) == 0 || pattern.rfind("/api/v1/tokens", 0) == 0) {
      EXPECT_EQ(*need, 3) << method << " " << pattern;
    } else if (read) {
      EXPECT_LE(*need, pattern.rfind("/api/v1/webhooks", 0) == 0 ? 2 : 1) << method << " " << pattern;
    } else {
      EXPECT_GE(*need, pattern.rfind("/api/v1/auth", 0) == 0 ? 1 : 2) << "writes need operator: " << method << " " << pattern;
    }
  }
  EXPECT_EQ(public_routes, 2);
  EXPECT_EQ(requiredRole("GET", "/metrics", false), 1);
  EXPECT_FALSE(requiredRole("GET", "/metrics", true).has_value());
  EXPECT_EQ(requiredRole("POST", "/api/v1/some/future/route", false), 3) << "unknown writes default to admin";
}

TEST(AuthGate, CookieValueFindsTheNamedCookie) {
  EXPECT_EQ(cookieValue("a=1; srtgw_session=tok; b=2", "srtgw_session"), "tok");
  EXPECT_EQ(cookieValue("srtgw_session_x=1;srtgw_session=t2", "srtgw_session"), "t2");
  EXPECT_EQ(cookieValue("a=1", "srtgw_session"), "");
  EXPECT_EQ(cookieValue("", "srtgw_session"), "");
}

}  // namespace
}  // namespace srtgw::api
