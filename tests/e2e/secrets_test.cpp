// Secrets never leak: one canary string inside every secret srtgw accepts (admin and user
// passwords, SRT passphrases of an input and an output, an SRT access token in a caller's
// streamid, a webhook secret), a whole scenario with real SRT peers, then a search of every
// API answer, WebSocket message, webhook delivery, stdout and the whole log. Tokens srtgw
// makes (API and session tokens) are searched for in the log too.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_receiver.hpp"
#include "support/process.hpp"
#include "support/serve_process.hpp"
#include "support/udp_peers.hpp"
#include "support/ws_client.hpp"

namespace srtgw::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kCanary = "Zq7CANARYx9";  // inside every secret below

std::string p(int port) { return std::to_string(port); }

struct Transcript {
  std::vector<std::pair<std::string, std::string>> seen;  // where, what
  void add(const std::string& where, const std::string& what) { seen.emplace_back(where, what); }
  void addAll(ServeProcess& gw, const std::string& tag) {
    for (const std::string path :
         {"/api/v1/inputs", "/api/v1/outputs", "/api/v1/inputs/1", "/api/v1/outputs/1", "/api/v1/outputs/2",
          "/api/v1/inputs/1/stats", "/api/v1/outputs/1/stats", "/api/v1/outputs/2/stats", "/api/v1/inputs/1/outputs",
          "/api/v1/status", "/api/v1/events?per_page=1000", "/metrics", "/api/v1/webhooks", "/api/v1/webhooks/1",
          "/api/v1/webhooks/1/deliveries", "/api/v1/users", "/api/v1/tokens", "/api/v1/auth/me",
          "/api/v1/inputs/1/analysis"}) {
      auto r = gw.get(path);
      EXPECT_EQ(r.status, 200) << tag << " " << path;
      add(tag + " GET " + path, r.body);
      for (const auto& [k, v] : r.headers) add(tag + " GET " + path + " header " + k, v);
    }
  }
  // Where `needle` appears, if anywhere.
  std::string find(const std::string& needle) const {
    for (const auto& [where, what] : seen) {
      if (what.find(needle) != std::string::npos) return where;
    }
    return {};
  }
};

TEST(Secrets, ACanaryInEverySecretAppearsNowhere) {
  TempDir dir;
  Transcript t;
  const std::string admin_pw = kCanary + "-admin-pw";
  const std::string user_pw = kCanary + "-user-pw";
  const std::string pass_in = kCanary + "-passphrase-in";
  const std::string pass_out = kCanary + "-passphrase-out";
  const std::string srt_token = kCanary + "-srt-token";
  const std::string hook_secret = kCanary + "-webhook-secret";
  std::string api_token;
  std::string session;

  HttpReceiver hooks;
  UdpSink plain_sink;
  UdpSink srt_sink;
  const int in_port = freeUdpPort();
  const int slt_listen = freeUdpPort();
  {
    ServeProcess gw(dir, "gw", dir.file("db"), {"--stats-interval-ms", "200"}, {"SRTGW_ADMIN_PASSWORD=" + admin_pw});
    ASSERT_NE(gw.port(), 0) << gw.log();
    ASSERT_FALSE(gw.token().empty());
    session = gw.token();
    WsTestClient ws(gw.port(), "/api/v1/ws", 0, gw.auth());
    ASSERT_TRUE(ws.connected());

    // Users, tokens, logins (one failing with a canary-bearing password).
    auto u = gw.post("/api/v1/users", json{{"username", "ops"}, {"password", user_pw}, {"role", "operator"}});
    t.add("create user", u.body);
    ASSERT_EQ(u.status, 201);
    t.add("login ok", httpJson(gw.port(), "POST", "/api/v1/auth/login", json{{"username", "ops"}, {"password", user_pw}}).body);
    t.add("login bad", httpJson(gw.port(), "POST", "/api/v1/auth/login",
                                json{{"username", "ops"}, {"password", kCanary + "-wrong"}}).body);
    t.add("user patch", gw.patch("/api/v1/users/2", json{{"password", user_pw + "2"}}).body);
    auto tok = gw.post("/api/v1/tokens", json{{"name", "ci"}, {"role", "viewer"}});
    ASSERT_EQ(tok.status, 201);
    api_token = tok.json()["token"];

    // A webhook with a secret; bad documents that carry secrets.
    auto h = gw.post("/api/v1/webhooks", json{{"url", "http://127.0.0.1:" + p(hooks.port()) + "/hook"}, {"secret", hook_secret}});
    t.add("create webhook", h.body);
    ASSERT_EQ(h.status, 201);
    t.add("bad passphrase", gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "listener"}, {"listen_port", 0},
                                                             {"passphrase", kCanary + std::string(90, 'x')}}).body);
    t.add("bad user password", gw.post("/api/v1/users", json{{"username", "x"}, {"password", kCanary.substr(0, 7)}, {"role", "viewer"}}).body);

    // SRT listener input with a passphrase and access control; a UDP copy; an SRT caller
    // output with its own passphrase to srt-live-transmit.
    auto in = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "listener"}, {"listen_port", in_port},
                                             {"bind_addr", "127.0.0.1"}, {"passphrase", pass_in}, {"latency_ms", 200},
                                             {"access", {{"stream_ids", {"cam1"}}, {"users", {{{"name", "alice"}, {"token", srt_token}}}}}}});
    t.add("create input", in.body);
    ASSERT_EQ(in.status, 201) << in.body;
    t.add("patch input", gw.patch("/api/v1/inputs/1", json{{"name", "venue"}}).body);
    ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1},
                                              {"destination_addr", "127.0.0.1:" + p(plain_sink.port())}}).status, 201);
    ChildProcess slt_rx({"srt-live-transmit", "-q", "srt://:" + p(slt_listen) + "?passphrase=" + pass_out,
                         "udp://127.0.0.1:" + p(srt_sink.port())},
                        dir.file("slt-rx.out"), dir.file("slt-rx.log"));
    auto out = gw.post("/api/v1/outputs", json{{"type", "srt"}, {"mode", "caller"}, {"input_id", 1},
                                               {"target_addr", "127.0.0.1:" + p(slt_listen)}, {"passphrase", pass_out}});
    t.add("create output", out.body);
    ASSERT_EQ(out.status, 201) << out.body;

    // A caller with a wrong token is refused; the right one publishes.
    const int bad_src = freeUdpPort();
    ChildProcess slt_bad({"srt-live-transmit", "-q", "udp://127.0.0.1:" + p(bad_src),
                          "srt://127.0.0.1:" + p(in_port) + "?passphrase=" + pass_in +
                              "&streamid=%23!::r=cam1,u=alice,s=" + kCanary + "-wrong-token"},
                         dir.file("slt-bad.out"), dir.file("slt-bad.log"));
    ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/events?type=connection.rejected").json()["total"] >= 1; }, 15s))
        << gw.log();
    slt_bad.stop();
    const int src = freeUdpPort();
    ChildProcess slt_tx({"srt-live-transmit", "-q", "udp://127.0.0.1:" + p(src),
                         "srt://127.0.0.1:" + p(in_port) + "?passphrase=" + pass_in +
                             "&streamid=%23!::r=cam1,u=alice,s=" + srt_token},
                        dir.file("slt-tx.out"), dir.file("slt-tx.log"));
    ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json().value("state", "") == "connected"; }, 15s))
        << gw.log();
    UdpSource source("127.0.0.1", src, makeSequenceTs(7 * 3000), 4.0);
    ASSERT_TRUE(waitUntil([&] { return plain_sink.bytes() > 100000 && srt_sink.bytes() > 100000; }, 20s))
        << "data did not flow: udp " << plain_sink.bytes() << " srt " << srt_sink.bytes();
    ASSERT_TRUE(hooks.waitFor(3, 10s));
    for (auto deadline = std::chrono::steady_clock::now() + 1500ms; std::chrono::steady_clock::now() < deadline;) {
      if (auto m = ws.next(200ms)) t.add("websocket", *m);
    }
    t.addAll(gw, "live");
    source.join();
    slt_tx.stop();
    slt_rx.stop();
    EXPECT_EQ(gw.process().stop(), 0);
    t.add("stdout 1", gw.process().stdoutText());
    t.add("log 1", gw.log());
  }
  // After a restart, everything restored still hides its secrets.
  ServeProcess gw(dir, "gw2", dir.file("db"), {}, {"SRTGW_ADMIN_PASSWORD=" + admin_pw});
  ASSERT_NE(gw.port(), 0) << gw.log();
  t.addAll(gw, "restarted");
  EXPECT_EQ(gw.process().stop(), 0);
  t.add("stdout 2", gw.process().stdoutText());
  t.add("log 2", gw.log());
  for (const auto& r : hooks.requests()) {
    t.add("webhook body", r.body);
    for (const auto& [k, v] : r.headers) t.add("webhook header " + k, v);
  }

  EXPECT_EQ(t.find(kCanary), "") << "a secret leaked";
  EXPECT_EQ(t.find(api_token.substr(8)), "") << "the API token leaked";
  EXPECT_EQ(t.find(session.substr(8)), "") << "a session token leaked";
  // The transcript is not empty of what it should hold.
  EXPECT_NE(t.find("passphrase_set"), "");
  EXPECT_NE(t.find("token_set"), "");
  EXPECT_NE(t.find("s=***"), "") << "the rejected streamid is shown redacted";
  EXPECT_NE(t.find("1401"), "");
}

}  // namespace
}  // namespace srtgw::test
