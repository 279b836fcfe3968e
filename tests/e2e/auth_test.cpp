// Authentication and roles end to end, against build/srtgw serve: the auth matrix (every
// route x no credentials, a wrong, revoked and expired token, and each role), sessions with
// cookies and CSRF, login rate limiting, the WebSocket's auth and Origin check, the first
// admin's generated password, and --metrics-public.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "support/process.hpp"
#include "support/serve_process.hpp"
#include "support/ws_client.hpp"

namespace srtgw::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The role the test expects each route to need (written out here, not taken from the
// server's table): 0 public, 1 viewer, 2 operator, 3 admin.
int expectedRole(const std::string& method, const std::string& path) {
  auto under = [&](const char* base) { return path.rfind(base, 0) == 0; };
  if ((method == "GET" && path == "/healthz") || (method == "POST" && path == "/api/v1/auth/login")) return 0;
  if (under("/api/v1/users") || under("/api/v1/tokens")) return 3;
  if (under("/api/v1/webhooks")) return method == "GET" ? 2 : 3;
  if (under("/api/v1/auth")) return 1;
  if (method == "GET") return 1;
  return 2;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

HttpResult as(int port, const std::string& method, const std::string& path, const std::string& header,
              const std::string& body = "") {
  std::vector<std::string> h;
  if (!header.empty()) h.push_back(header);
  return http(port, method, path, body, "", h);
}

std::string makeToken(ServeProcess& gw, const std::string& role, int expires_in_s = 0) {
  json b{{"name", role + "-token"}, {"role", role}};
  if (expires_in_s > 0) b["expires_in_s"] = expires_in_s;
  auto r = gw.post("/api/v1/tokens", b);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json().value("token", "");
}

TEST(Auth, MatrixOfEveryRouteCredentialAndRole) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_FALSE(gw.token().empty()) << "the admin could not log in: " << gw.log();
  const std::string viewer = makeToken(gw, "viewer");
  const std::string oper = makeToken(gw, "operator");
  const std::string admin = makeToken(gw, "admin");
  const std::string revoked = makeToken(gw, "admin");
  auto tokens = gw.get("/api/v1/tokens").json();
  ASSERT_EQ(tokens["total"], 4);
  EXPECT_EQ(tokens.dump().find(admin), std::string::npos) << "a token is shown only when made";
  ASSERT_EQ(gw.del("/api/v1/tokens/4").status, 204);
  const std::string expired = makeToken(gw, "admin", 1);
  ASSERT_TRUE(waitUntil([&] { return as(gw.port(), "GET", "/api/v1/status", "X-API-Key: " + expired).status == 401; },
                        10s))
      << "a token made to expire after 1 s still works";

  auto doc = gw.get("/api/v1/openapi.json").json();
  ASSERT_TRUE(doc.contains("paths"));
  int checked = 0;
  for (const auto& [path_pattern, item] : doc["paths"].items()) {
    for (const auto& [m, op] : item.items()) {
      if (m == "parameters") continue;
      const std::string method = upper(m);
      if (method == "POST" && path_pattern == "/api/v1/auth/login") continue;  // below
      // An id that names nothing and an empty document: every request is answered without
      // changing anything, so the same request can be sent with every credential.
      const std::string path = replaceAll(path_pattern, "{id}", "999999");
      const std::string body = method == "GET" || method == "DELETE" ? "" : "{}";
      const std::string what = method + " " + path_pattern;
      const int need = expectedRole(method, path_pattern);

      auto anon = as(gw.port(), method, path, "", body);
      if (need == 0) {
        EXPECT_EQ(anon.status, 200) << what;
      } else {
        EXPECT_EQ(anon.status, 401) << what << " without credentials";
        EXPECT_EQ(anon.headers["www-authenticate"], "Bearer realm=\"srtgw\"") << what;
      }
      for (const auto& bad : {"Authorization: Bearer srtgw_t_" + std::string(43, 'x'),
                              "Authorization: Bearer " + revoked, "X-API-Key: " + expired,
                              std::string("Authorization: Basic YWRtaW46eA==")}) {
        EXPECT_EQ(as(gw.port(), method, path, bad, body).status, 401) << what << " with " << bad.substr(0, 30);
      }
      auto by_admin = as(gw.port(), method, path, "Authorization: Bearer " + admin, body);
      EXPECT_NE(by_admin.status, 401) << what;
      EXPECT_NE(by_admin.status, 403) << what;
      EXPECT_NE(by_admin.status, 0) << what;
      const std::pair<int, std::string> roles[] = {{2, oper}, {1, viewer}};
      for (const auto& [level, token] : roles) {
        auto r = as(gw.port(), method, path, level == 2 ? "X-API-Key: " + token : "Authorization: Bearer " + token,
                    body);
        EXPECT_EQ(r.status, level >= need ? by_admin.status : 403)
            << what << " as " << (level == 2 ? "operator" : "viewer") << ": " << r.body.substr(0, 200);
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 40);
  // Nothing was changed by all of that.
  EXPECT_EQ(gw.get("/api/v1/inputs").json()["total"], 0);
  EXPECT_EQ(gw.get("/api/v1/users").json()["total"], 1);
}

TEST(Auth, CookieSessionsNeedTheCsrfTokenToWriteAndEndAtLogout) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto login = httpJson(gw.port(), "POST", "/api/v1/auth/login",
                        json{{"username", "admin"}, {"password", gw.adminPassword()}});
  ASSERT_EQ(login.status, 200);
  const std::string set_cookie = login.headers["set-cookie"];
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  const std::string cookie = "Cookie: " + set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = login.json()["csrf_token"];
  EXPECT_EQ(login.json()["user"]["role"], "admin");
  const std::string input = R"({"type":"udp","listen_port":0,"bind_addr":"127.0.0.1"})";

  EXPECT_EQ(as(gw.port(), "GET", "/api/v1/auth/me", cookie).json()["csrf_token"], csrf);
  EXPECT_EQ(as(gw.port(), "POST", "/api/v1/inputs", cookie, input).status, 403) << "no CSRF token";
  EXPECT_EQ(http(gw.port(), "POST", "/api/v1/inputs", input, "", {cookie, "X-CSRF-Token: " + std::string(64, '0')})
                .status,
            403);
  EXPECT_EQ(http(gw.port(), "POST", "/api/v1/inputs", input, "", {cookie, "X-CSRF-Token: " + csrf}).status, 201);
  // The same session token as a bearer needs no CSRF token (a page of another site cannot set it).
  EXPECT_EQ(as(gw.port(), "POST", "/api/v1/inputs", "Authorization: Bearer " + login.json()["token"].get<std::string>(),
               input)
                .status,
            201);
  auto out = http(gw.port(), "POST", "/api/v1/auth/logout", "", "", {cookie, "X-CSRF-Token: " + csrf});
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(as(gw.port(), "GET", "/api/v1/inputs", cookie).status, 401) << "the session ended";
  // A browser still sending the dead cookie can log in again.
  EXPECT_EQ(http(gw.port(), "POST", "/api/v1/auth/login",
                 json{{"username", "admin"}, {"password", gw.adminPassword()}}.dump(), "", {cookie})
                .status,
            200);
  EXPECT_EQ(gw.get("/api/v1/inputs").status, 200) << "the test's own session is another one";
  // The database holds secrets srtgw must use: only its owner may read it.
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << "database mode " << std::oct << (st.st_mode & 0777);
}

TEST(Auth, FailedLoginsAreRateLimited) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  for (int i = 0; i < 5; ++i) {
    auto r = httpJson(gw.port(), "POST", "/api/v1/auth/login", json{{"username", "admin"}, {"password", "wrong!!!"}});
    ASSERT_EQ(r.status, 401) << i;
    EXPECT_EQ(r.body.find("wrong!!!"), std::string::npos);
  }
  auto limited = httpJson(gw.port(), "POST", "/api/v1/auth/login",
                          json{{"username", "admin"}, {"password", gw.adminPassword()}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  EXPECT_TRUE(limited.headers["set-cookie"].empty());
  EXPECT_EQ(httpJson(gw.port(), "POST", "/api/v1/auth/login", json{{"username", "admin"}}).status, 400);
  EXPECT_EQ(gw.get("/api/v1/status").status, 200) << "an existing session is not affected";
  EXPECT_EQ(gw.log().find("wrong!!!"), std::string::npos) << "a tried password is never logged";
}

TEST(Auth, TheWebSocketNeedsCredentialsAndThisOrigin) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  EXPECT_EQ(WsTestClient(gw.port(), "/api/v1/ws").status(), 401);
  EXPECT_EQ(WsTestClient(gw.port(), "/api/v1/ws", 0, {"Authorization: Bearer srtgw_s_nope_nope_nope_nope"}).status(),
            401);
  auto with_token = gw.auth();
  EXPECT_EQ(WsTestClient(gw.port(), "/api/v1/ws", 0, with_token).status(), 101);
  auto foreign = with_token;
  foreign.push_back("Origin: http://evil.example");
  EXPECT_EQ(WsTestClient(gw.port(), "/api/v1/ws", 0, foreign).status(), 403);
  // A page of this server: Origin matches Host (the test client sends Host: 127.0.0.1).
  auto login = httpJson(gw.port(), "POST", "/api/v1/auth/login",
                        json{{"username", "admin"}, {"password", gw.adminPassword()}});
  const std::string set_cookie = login.headers["set-cookie"];
  WsTestClient browser(gw.port(), "/api/v1/ws", 0,
                       {"Cookie: " + set_cookie.substr(0, set_cookie.find(';')), "Origin: http://127.0.0.1"});
  EXPECT_EQ(browser.status(), 101);
}

TEST(Auth, WithoutAPasswordTheFirstAdminsIsGeneratedAndShownOnceOnStdout) {
  TempDir dir;
  std::string password;
  {
    ServeProcess gw(dir, "first", dir.file("db"), {}, {"SRTGW_ADMIN_PASSWORD="});
    ASSERT_NE(gw.port(), 0) << gw.log();
    const std::string out = gw.process().stdoutText();
    const std::string marker = "created user 'admin' with password ";
    auto at = out.find(marker);
    ASSERT_NE(at, std::string::npos) << out;
    password = out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
    ASSERT_GE(password.size(), 20u);
    EXPECT_EQ(gw.log().find(password), std::string::npos) << "the password is not in the log";
    EXPECT_EQ(httpJson(gw.port(), "POST", "/api/v1/auth/login", json{{"username", "admin"}, {"password", password}})
                  .status,
              200);
  }
  ServeProcess again(dir, "second", dir.file("db"), {}, {"SRTGW_ADMIN_PASSWORD="});
  ASSERT_NE(again.port(), 0) << again.log();
  EXPECT_EQ(again.process().stdoutText().find("password"), std::string::npos) << "shown only once";
  EXPECT_EQ(httpJson(again.port(), "POST", "/api/v1/auth/login", json{{"username", "admin"}, {"password", password}})
                .status,
            200);
}

TEST(Auth, MetricsArePrivateUnlessMadePublic) {
  TempDir dir;
  {
    ServeProcess gw(dir, "private", dir.file("db"));
    ASSERT_NE(gw.port(), 0) << gw.log();
    EXPECT_EQ(http(gw.port(), "GET", "/metrics").status, 401);
    EXPECT_EQ(gw.get("/metrics").status, 200);
  }
  ServeProcess gw(dir, "public", dir.file("db"), {"--metrics-public"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto m = http(gw.port(), "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("srtgw_build_info"), std::string::npos);
  EXPECT_EQ(http(gw.port(), "GET", "/api/v1/status").status, 401) << "only /metrics is opened";
}

TEST(Auth, UsersOfEachRoleLogInAndAreHeldToTheirRole) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(gw.post("/api/v1/users", json{{"username", "olga"}, {"password", "operator pw"}, {"role", "operator"}})
                .status,
            201);
  ASSERT_EQ(gw.post("/api/v1/users", json{{"username", "vic"}, {"password", "viewer pw!"}, {"role", "viewer"}}).status,
            201);
  auto tok = [&](const char* u, const char* p) {
    auto r = httpJson(gw.port(), "POST", "/api/v1/auth/login", json{{"username", u}, {"password", p}});
    EXPECT_EQ(r.status, 200);
    return "Authorization: Bearer " + r.json().value("token", "");
  };
  const auto olga = tok("olga", "operator pw");
  const auto vic = tok("vic", "viewer pw!");
  const std::string input = R"({"type":"udp","listen_port":0,"bind_addr":"127.0.0.1"})";
  EXPECT_EQ(as(gw.port(), "POST", "/api/v1/inputs", olga, input).status, 201);
  EXPECT_EQ(as(gw.port(), "POST", "/api/v1/inputs", vic, input).status, 403);
  EXPECT_EQ(as(gw.port(), "GET", "/api/v1/inputs", vic).json()["total"], 1);
  EXPECT_EQ(as(gw.port(), "POST", "/api/v1/inputs/1/stop", vic).status, 403);
  EXPECT_EQ(as(gw.port(), "POST", "/api/v1/inputs/1/stop", olga).status, 200);
  EXPECT_EQ(as(gw.port(), "GET", "/api/v1/users", olga).status, 403);
  EXPECT_EQ(as(gw.port(), "GET", "/api/v1/auth/me", vic).json()["user"]["role"], "viewer");
  auto users = gw.get("/api/v1/users");
  EXPECT_EQ(users.json()["total"], 3);
  EXPECT_EQ(users.body.find("argon2"), std::string::npos) << "no password hash in any answer";
  // An admin changes vic's password: vic's session ends.
  ASSERT_EQ(gw.patch("/api/v1/users/3", json{{"password", "new viewer pw"}}).status, 200);
  EXPECT_EQ(as(gw.port(), "GET", "/api/v1/inputs", vic).status, 401);
  EXPECT_EQ(gw.del("/api/v1/users/1").status, 409) << "the last admin stays";
}

}  // namespace
}  // namespace srtgw::test
