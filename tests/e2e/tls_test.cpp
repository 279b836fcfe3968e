// HTTPS: srtgw serve with --tls-cert/--tls-key, driven by curl (a real TLS client) with a
// certificate made by openssl for the test.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/serve_process.hpp"

namespace srtgw::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Runs a command to its end and returns its standard output ("" if it did not end in time).
std::string run(const TempDir& dir, const std::string& tag, std::vector<std::string> argv) {
  ChildProcess p(std::move(argv), dir.file(tag + ".out"), dir.file(tag + ".err"));
  if (p.wait(30s) < 0) {
    p.stop(9);
    return {};
  }
  return p.stdoutText();
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    run(dir_, "openssl", {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir_.file("key.pem"),
                          "-out", dir_.file("cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                          "subjectAltName=IP:127.0.0.1"});
    ASSERT_FALSE(readFile(dir_.file("cert.pem")).empty()) << "openssl made no certificate";
  }
  std::string curl(const std::string& tag, std::vector<std::string> extra) {
    std::vector<std::string> argv = {"curl", "-s", "-i", "-m", "10", "--cacert", dir_.file("cert.pem")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(dir_, tag, argv);
  }
  TempDir dir_;
};

TEST_F(Tls, TheApiTheSessionCookieAndTheFeedWorkOverHttpsOnly) {
  ServeProcess gw(dir_, "gw", dir_.file("db"), {"--tls-cert", dir_.file("cert.pem"), "--tls-key", dir_.file("key.pem")});
  ASSERT_NE(gw.port(), 0) << gw.log();
  EXPECT_NE(gw.log().find("serving https://"), std::string::npos);
  const std::string base = "https://127.0.0.1:" + std::to_string(gw.port());

  EXPECT_NE(curl("health", {base + "/healthz"}).find("{\"status\":\"ok\"}"), std::string::npos);
  const std::string login = curl("login", {"-X", "POST", "-H", "Content-Type: application/json", "-d",
                                                      json{{"username", "admin"}, {"password", gw.adminPassword()}}.dump(),
                                                      base + "/api/v1/auth/login"});
  ASSERT_NE(login.find("HTTP/1.1 200"), std::string::npos) << login;
  const auto cookie_at = login.find("Set-Cookie: srtgw_session=");
  ASSERT_NE(cookie_at, std::string::npos);
  const std::string cookie_line = login.substr(cookie_at, login.find('\n', cookie_at) - cookie_at);
  EXPECT_NE(cookie_line.find("; Secure"), std::string::npos) << "the cookie is Secure under TLS: " << cookie_line;
  const auto body = json::parse(login.substr(login.find("\r\n\r\n") + 4));
  const std::string auth = "Authorization: Bearer " + body["token"].get<std::string>();

  const std::string status = curl("status", {"-H", auth, base + "/api/v1/status"});
  EXPECT_NE(status.find("HTTP/1.1 200"), std::string::npos) << status;
  EXPECT_NE(curl("anon", {base + "/api/v1/status"}).find("HTTP/1.1 401"), std::string::npos);
  // The WebSocket upgrade over TLS (curl stops after the 101 at its time limit).
  const std::string ws = curl("ws",
                              {"--http1.1", "-m", "2", "-H", auth, "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
                               "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                               base + "/api/v1/ws"});
  EXPECT_NE(ws.find("HTTP/1.1 101"), std::string::npos) << ws;
  // Plain HTTP on the TLS port gets no answer, and the server carries on.
  EXPECT_EQ(rawHttp(gw.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3000).status, 0);
  EXPECT_NE(curl("health2", {base + "/healthz"}).find("HTTP/1.1 200"), std::string::npos);
}

TEST_F(Tls, AMissingKeyOrHalfAConfigurationStopsTheStartWithAClearError) {
  {
    ServeProcess gw(dir_, "nokey", dir_.file("db"), {"--tls-cert", dir_.file("cert.pem"), "--tls-key", dir_.file("none.pem")});
    EXPECT_EQ(gw.port(), 0);
    EXPECT_EQ(gw.process().wait(10s), 1);
    EXPECT_NE(gw.log().find("cannot load the TLS key"), std::string::npos) << gw.log();
  }
  ServeProcess half(dir_, "half", dir_.file("db"), {"--tls-cert", dir_.file("cert.pem")});
  EXPECT_EQ(half.port(), 0);
  EXPECT_EQ(half.process().wait(10s), 1);
  EXPECT_NE(half.log().find("TLS needs both a certificate and a key"), std::string::npos) << half.log();
  EXPECT_EQ(half.log().find("PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace srtgw::test
