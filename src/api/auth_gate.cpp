#include "api/auth_gate.hpp"

#include "api/access_policy.hpp"

namespace srtgw::api {
namespace {

HttpResponse unauthorized(const std::string& detail) {
  auto r = problem(401, "Unauthorized", detail);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"srtgw\"");
  return r;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// "http://host:port" -> "host:port" (lower-case scheme check only).
std::string originHost(const std::string& origin) {
  for (const char* scheme : {"http://", "https://"}) {
    const std::string sch(scheme);
    if (origin.rfind(sch, 0) == 0) {
      return origin.substr(sch.size());
    }
  }
  return {};
}

}  // namespace

std::string cookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t semi = header.find(';', pos);
    std::string part = trim(header.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos));
    pos = semi == std::string::npos ? header.size() : semi + 1;
    const size_t eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) {
      return part.substr(eq + 1);
    }
  }
  return {};
}

std::optional<HttpResponse> AuthGate::identify(HttpRequest& req, bool& from_cookie) const {
  from_cookie = false;
  std::string token;
  const std::string authz = req.header("authorization");
  if (!authz.empty()) {
    if (authz.size() <= 7 || (authz.rfind("Bearer ", 0) != 0 && authz.rfind("bearer ", 0) != 0)) {
      return unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    token = trim(authz.substr(7));
  } else if (const std::string key = req.header("x-api-key"); !key.empty()) {
    token = trim(key);
  } else if (const std::string c = cookieValue(req.header("cookie"), kSessionCookie); !c.empty()) {
    token = c;
    from_cookie = true;
  } else {
    return std::nullopt;  // anonymous
  }
  auto who = auth_.authenticate(token);
  if (!who) {
    return unauthorized("the token or session is not valid (expired, revoked or unknown)");
  }
  req.caller = Caller{true, who->user_id, who->name, static_cast<int>(who->role), who->session, who->csrf,
                      who->token_hash};
  return std::nullopt;
}

HttpResponse AuthGate::handle(const HttpRequest& in) const {
  auto pattern = router_.patternFor(in.method == "HEAD" ? "GET" : in.method, in.path);
  if (!pattern) {
    return router_.dispatch(in);  // 404 or 405: nothing there to protect
  }
  HttpRequest req = in;
  auto need = requiredRole(req.method == "HEAD" ? "GET" : req.method, *pattern, cfg_.metrics_public);
  if (req.method == "POST" && *pattern == "/api/v1/auth/login") {
    // Whatever else the request carries (a browser's expired session cookie), logging in
    // must stay possible.
    return router_.dispatch(req);
  }
  bool from_cookie = false;
  if (auto bad = identify(req, from_cookie)) {
    // Bad credentials fail even on a public route: a script with a revoked token should hear it.
    return *bad;
  }
  if (need) {
    if (!req.caller.authenticated) {
      return unauthorized("log in (POST /api/v1/auth/login) or send an API token");
    }
    if (req.caller.role < *need) {
      return problem(403, "Forbidden", "the role '" + std::string(control::toString(static_cast<control::Role>(req.caller.role))) +
                                           "' may not " + req.method + " " + req.path);
    }
    const bool write = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    if (write && from_cookie && !control::sameSecret(req.header("x-csrf-token"), req.caller.csrf)) {
      return problem(403, "Forbidden", "a write with a session cookie needs the X-CSRF-Token header");
    }
  }
  return router_.dispatch(req);
}

std::optional<HttpResponse> AuthGate::checkWebSocket(const HttpRequest& in) const {
  HttpRequest req = in;
  bool from_cookie = false;
  if (auto bad = identify(req, from_cookie)) {
    return bad;
  }
  if (!req.caller.authenticated) {
    return unauthorized("the live feed needs a session or an API token");
  }
  // Browsers always send Origin on a WebSocket; a page of another site must not ride on the
  // user's cookie. Tools without a browser send none and authenticate with a token.
  const std::string origin = req.header("origin");
  if (!origin.empty() && (originHost(origin).empty() || originHost(origin) != req.header("host"))) {
    return problem(403, "Forbidden", "the WebSocket's Origin is not this server");
  }
  return std::nullopt;
}

}  // namespace srtgw::api
