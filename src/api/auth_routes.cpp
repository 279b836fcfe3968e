#include "api/auth_routes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <variant>

#include "core/clock.hpp"

#include "api/auth_gate.hpp"
#include "api/http_helpers.hpp"

namespace srtgw::api {
namespace {

using control::AuthService;
using nlohmann::json;

control::Principal principalOf(const HttpRequest& req) {
  const auto& c = req.caller;
  return control::Principal{c.user_id, c.name, static_cast<control::Role>(c.role), c.session, c.csrf, c.token_hash};
}

std::string sessionCookie(const std::string& value, int64_t max_age_s, bool secure) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_s) + (secure ? "; Secure" : "");
}

}  // namespace

void addAuthRoutes(Router& r, AuthService* s, AuthRoutesConfig cfg) {
  r.add("POST", "/api/v1/auth/login", [s, cfg](const HttpRequest& req, const PathParams&) {
    auto body = parseBody(req, false);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    auto out = s->login(std::get<json>(body), req.peer);
    auto res = toResponse(out.reply);
    if (!out.token.empty()) {
      const int64_t max_age =
          std::max<int64_t>(0, (out.reply.body.value("expires_ms", int64_t{0}) - core::wallNowMs()) / 1000);
      res.headers.emplace_back("Set-Cookie", sessionCookie(out.token, max_age, cfg.secure_cookie || req.tls));
      res.headers.emplace_back("Cache-Control", "no-store");
    }
    if (out.retry_after_s > 0) {
      res.headers.emplace_back("Retry-After", std::to_string(out.retry_after_s));
    }
    return res;
  });
  r.add("POST", "/api/v1/auth/logout", [s, cfg](const HttpRequest& req, const PathParams&) {
    auto res = toResponse(s->logout(principalOf(req)));
    if (res.status < 300) {
      res.headers.emplace_back("Set-Cookie", sessionCookie("", 0, cfg.secure_cookie || req.tls));
    }
    return res;
  });
  r.add("GET", "/api/v1/auth/me", [s](const HttpRequest& req, const PathParams&) {
    auto res = toResponse(s->me(principalOf(req)));
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });

  r.add("GET", "/api/v1/users", [s](const HttpRequest& req, const PathParams&) {
    auto page = parsePage(req, 50);
    if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
    const auto& p = std::get<PageArgs>(page);
    return toResponse(s->listUsers(p.page, p.per_page));
  });
  r.add("POST", "/api/v1/users", [s](const HttpRequest& req, const PathParams&) {
    auto body = parseBody(req, false);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    return toResponse(s->createUser(std::get<json>(body)));
  });
  r.add("GET", "/api/v1/users/{id}", [s](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) return noSuchResource(req);
    return toResponse(s->getUser(*id));
  });
  r.add("PATCH", "/api/v1/users/{id}", [s](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) return noSuchResource(req);
    auto body = parseBody(req, true);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    return toResponse(s->patchUser(*id, std::get<json>(body), principalOf(req)));
  });
  r.add("DELETE", "/api/v1/users/{id}", [s](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) return noSuchResource(req);
    return toResponse(s->removeUser(*id, principalOf(req)));
  });

  r.add("GET", "/api/v1/tokens", [s](const HttpRequest& req, const PathParams&) {
    auto page = parsePage(req, 50);
    if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
    const auto& p = std::get<PageArgs>(page);
    return toResponse(s->listTokens(p.page, p.per_page));
  });
  r.add("POST", "/api/v1/tokens", [s](const HttpRequest& req, const PathParams&) {
    auto body = parseBody(req, false);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    auto res = toResponse(s->createToken(std::get<json>(body), principalOf(req)));
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });
  r.add("GET", "/api/v1/tokens/{id}", [s](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) return noSuchResource(req);
    return toResponse(s->getToken(*id));
  });
  r.add("DELETE", "/api/v1/tokens/{id}", [s](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) return noSuchResource(req);
    return toResponse(s->removeToken(*id));
  });
}

}  // namespace srtgw::api
