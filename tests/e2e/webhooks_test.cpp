// Webhooks against the real binary and a local HTTP receiver: signed config events in order,
// retries that hold later events back, filters, a dead endpoint with bounded memory and a
// prompt shutdown, validation, secrets that never leak, and persistence across a restart.

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

#include "support/http_receiver.hpp"
#include "support/serve_process.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kSecret = "wh-canary-secret-7f3a9c";  // grepped for in every response and log

// Short retry delays keep the file fast; the policy itself (doubling, attempts) is unchanged.
std::vector<std::string> fastRetries() { return {"SRTGW_WEBHOOK_BACKOFF_MS=50"}; }

std::string hmacHex(const std::string& key, const std::string& body) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

std::string hookUrl(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }

// A stream that needs no port and starts nothing: config events without engine events.
json quietInput(const std::string& name) {
  return json{{"type", "srt"},
              {"mode", "caller"},
              {"target_addr", "127.0.0.1:9"},
              {"enabled", false},
              {"name", name}};
}

std::vector<ReceivedRequest> ofTypePrefix(const std::vector<ReceivedRequest>& all,
                                          const std::string& prefix) {
  std::vector<ReceivedRequest> out;
  for (const auto& r : all) {
    if (r.header("x-srtgw-event").rfind(prefix, 0) == 0) out.push_back(r);
  }
  return out;
}

// A TCP port on which nobody listens (bound, then closed: connections are refused).
int deadPort() {
  HttpReceiver probe;
  return probe.port();
}

TEST(Webhooks, SignedConfigEventsArriveInOrderAndTheSecretNeverLeaks) {
  ASSERT_GE(sodium_init(), 0);
  HttpReceiver rx;
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {}, fastRetries());
  ASSERT_NE(gw.port(), 0) << gw.log();
  std::vector<std::string> responses;
  auto created = gw.post("/api/v1/webhooks",
                         json{{"url", hookUrl(rx.port())}, {"secret", kSecret}, {"name", "ops"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["location"], "/api/v1/webhooks/1");
  auto view = created.json();
  EXPECT_EQ(view["secret_set"], true);
  EXPECT_FALSE(view.contains("secret"));
  EXPECT_EQ(view["enabled"], true);
  EXPECT_EQ(view["events"], json::array());
  for (const char* k : {"delivered", "failed", "pending", "dropped"}) EXPECT_EQ(view[k], 0) << k;
  responses.push_back(created.body);

  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("a")).status, 201);
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("b")).status, 201);
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("c")).status, 201);
  ASSERT_EQ(gw.patch("/api/v1/inputs/2", json{{"name", "b2"}}).status, 200);
  ASSERT_EQ(gw.del("/api/v1/inputs/3").status, 204);

  std::vector<ReceivedRequest> config;
  ASSERT_TRUE(waitUntil(
      [&] {
        config = ofTypePrefix(rx.requests(), "config.");
        return config.size() >= 5;
      },
      10s))
      << config.size();
  const std::vector<std::pair<std::string, int>> expected = {{"config.created", 1},
                                                             {"config.created", 2},
                                                             {"config.created", 3},
                                                             {"config.changed", 2},
                                                             {"config.deleted", 3}};
  std::set<std::string> delivery_ids;
  int64_t last_event_id = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& r = config[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/hook");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.header("user-agent").rfind("srtgw/", 0), 0u) << r.header("user-agent");
    EXPECT_EQ(r.header("x-srtgw-event"), expected[i].first);
    EXPECT_EQ(r.header("x-srtgw-signature"), "sha256=" + hmacHex(kSecret, r.body));
    EXPECT_EQ(r.header("x-srtgw-delivery").size(), 36u);
    delivery_ids.insert(r.header("x-srtgw-delivery"));
    auto body = json::parse(r.body);
    EXPECT_EQ(body["type"], expected[i].first);
    EXPECT_EQ(body["input_id"], expected[i].second);
    EXPECT_GT(body["id"].get<int64_t>(), last_event_id) << "events out of order";
    last_event_id = body["id"].get<int64_t>();
    EXPECT_EQ(r.body.find(kSecret), std::string::npos);
  }
  EXPECT_EQ(delivery_ids.size(), expected.size()) << "delivery ids must be unique";

  // A tampered body does not verify: the signature covers the exact bytes.
  EXPECT_NE(config[0].header("x-srtgw-signature"),
            "sha256=" + hmacHex(kSecret, config[0].body + " "));

  ASSERT_TRUE(waitUntil([&] { return gw.get("/api/v1/webhooks/1").json()["pending"] == 0; }, 5s));
  auto one = gw.get("/api/v1/webhooks/1");
  EXPECT_EQ(one.json()["delivered"].get<int>(), static_cast<int>(rx.count()));
  EXPECT_EQ(one.json()["last_status"], 200);
  EXPECT_TRUE(one.json()["last_error"].is_null());
  EXPECT_TRUE(one.json()["last_attempt_ms"].is_number_integer());
  responses.push_back(one.body);
  responses.push_back(gw.get("/api/v1/webhooks").body);
  responses.push_back(gw.get("/api/v1/webhooks/1/deliveries").body);
  responses.push_back(gw.patch("/api/v1/webhooks/1", json{{"name", "ops2"}}).body);
  responses.push_back(gw.get("/api/v1/events?per_page=1000").body);
  responses.push_back(gw.get("/metrics").body);
  responses.push_back(gw.get("/api/v1/status").body);
  responses.push_back(gw.post("/api/v1/webhooks",
                              json{{"url", "https://x/"}, {"secret", kSecret}, {"bogus", kSecret}})
                          .body);
  for (const auto& body : responses) {
    EXPECT_EQ(body.find(kSecret), std::string::npos) << body.substr(0, 500);
  }
  EXPECT_EQ(gw.get("/api/v1/webhooks/1").json()["secret_set"], true) << "a PATCH keeps the secret";
  gw.process().stop();
  EXPECT_EQ(gw.log().find(kSecret), std::string::npos) << "the secret reached the log";
}

TEST(Webhooks, AFailedDeliveryIsRetriedAndLaterEventsWaitBehindIt) {
  HttpReceiver rx;
  rx.script({500, 503});  // the first two attempts fail
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {}, fastRetries());
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(gw.post("/api/v1/webhooks", json{{"url", hookUrl(rx.port())}, {"events", {"config."}}})
                .status,
            201);
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_EQ(gw.post("/api/v1/inputs", quietInput(name)).status, 201);
  }
  ASSERT_TRUE(rx.waitFor(5, 10s)) << rx.count();
  auto got = rx.requests();
  ASSERT_EQ(got.size(), 5u);
  // Three attempts of the same delivery (same id, same bytes), then the events behind it.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(got[i].header("x-srtgw-delivery"), got[0].header("x-srtgw-delivery"));
    EXPECT_EQ(got[i].body, got[0].body);
    EXPECT_EQ(got[i].header("x-srtgw-attempt"), std::to_string(i + 1));
    EXPECT_EQ(got[i].header("x-srtgw-signature"), "") << "no secret, no signature";
  }
  EXPECT_EQ(got[0].answered, 500);
  EXPECT_EQ(got[1].answered, 503);
  EXPECT_EQ(got[2].answered, 200);
  EXPECT_EQ(json::parse(got[0].body)["input_id"], 1);
  EXPECT_EQ(json::parse(got[3].body)["input_id"], 2);
  EXPECT_EQ(json::parse(got[4].body)["input_id"], 3);
  EXPECT_NE(got[3].header("x-srtgw-delivery"), got[0].header("x-srtgw-delivery"));

  json view;
  ASSERT_TRUE(waitUntil(
      [&] {
        view = gw.get("/api/v1/webhooks/1").json();
        return view["delivered"] == 3;
      },
      5s))
      << view.dump();
  EXPECT_EQ(view["failed"], 0);
  EXPECT_EQ(view["pending"], 0);
  EXPECT_EQ(view["last_status"], 200);
  auto log = gw.get("/api/v1/webhooks/1/deliveries").json();
  ASSERT_EQ(log["total"], 5) << log.dump();
  // Newest first: c, b, then a's three attempts from the last back to the first.
  EXPECT_EQ(log["items"][0]["outcome"], "delivered");
  EXPECT_EQ(log["items"][4]["outcome"], "retrying");
  EXPECT_EQ(log["items"][4]["status"], 500);
  EXPECT_EQ(log["items"][4]["error"], "HTTP 500");
  EXPECT_EQ(log["items"][3]["status"], 503);
  EXPECT_EQ(log["items"][2]["attempt"], 3);
  EXPECT_EQ(log["items"][2]["delivery_id"], got[0].header("x-srtgw-delivery"));
  EXPECT_EQ(gw.get("/api/v1/webhooks/1/deliveries?per_page=2").json()["items"].size(), 2u);
}

TEST(Webhooks, GivesUpAfterTheLastAttemptAndMovesOn) {
  HttpReceiver rx;
  rx.script({500, 500, 500, 500, 500, 500});  // every attempt of the first delivery
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {}, {"SRTGW_WEBHOOK_BACKOFF_MS=20"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(
      gw.post("/api/v1/webhooks", json{{"url", hookUrl(rx.port())}, {"events", {"config.created"}}})
          .status,
      201);
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("a")).status, 201);
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("b")).status, 201);
  ASSERT_TRUE(rx.waitFor(7, 15s)) << rx.count();
  auto got = rx.requests();
  EXPECT_EQ(got[5].header("x-srtgw-attempt"), "6");
  EXPECT_EQ(json::parse(got[6].body)["input_id"], 2);
  json view;
  ASSERT_TRUE(waitUntil(
      [&] {
        view = gw.get("/api/v1/webhooks/1").json();
        return view["delivered"] == 1;
      },
      5s))
      << view.dump();
  EXPECT_EQ(view["failed"], 1);
  EXPECT_EQ(gw.get("/api/v1/webhooks/1/deliveries").json()["items"][1]["outcome"], "failed");
}

TEST(Webhooks, AFilterDeliversOnlyTheChosenEvents) {
  HttpReceiver rx;
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {}, fastRetries());
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(
      gw.post("/api/v1/webhooks", json{{"url", hookUrl(rx.port())}, {"events", {"config.deleted"}}})
          .status,
      201);
  for (int round = 1; round <= 2; ++round) {
    ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("x")).status, 201);
    ASSERT_EQ(gw.patch("/api/v1/inputs/" + std::to_string(round), json{{"name", "y"}}).status, 200);
    ASSERT_EQ(gw.del("/api/v1/inputs/" + std::to_string(round)).status, 204);
  }
  ASSERT_TRUE(rx.waitFor(2, 10s));
  // Events go out in order, so anything else would have arrived before the second delete.
  auto got = rx.requests();
  ASSERT_EQ(got.size(), 2u);
  for (const auto& r : got) EXPECT_EQ(r.header("x-srtgw-event"), "config.deleted");
  EXPECT_EQ(json::parse(got[1].body)["input_id"], 2);
}

TEST(Webhooks, ADeadEndpointCostsBoundedMemoryAndShutdownStaysPrompt) {
  TempDir dir;
  // A 2 s first backoff: the first event is still waiting to be retried when the test ends.
  ServeProcess gw(dir, "gw", dir.file("db"), {},
                  {"SRTGW_WEBHOOK_BACKOFF_MS=2000", "SRTGW_WEBHOOK_MAX_PENDING=20"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(gw.post("/api/v1/webhooks",
                    json{{"url", hookUrl(deadPort())}, {"events", {"config.created"}}})
                .status,
            201);
  constexpr int kEvents = 60;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("s" + std::to_string(i))).status, 201);
    if (i % 10 == 0) {
      EXPECT_LE(gw.get("/api/v1/webhooks/1").json()["pending"].get<int>(), 20);
    }
  }
  json view;
  ASSERT_TRUE(waitUntil(
      [&] {
        view = gw.get("/api/v1/webhooks/1").json();
        return view["pending"].get<int>() + view["dropped"].get<int>() == kEvents;
      },
      10s))
      << view.dump();
  EXPECT_EQ(view["pending"], 20) << view.dump();
  EXPECT_EQ(view["dropped"], kEvents - 20);
  EXPECT_EQ(view["delivered"], 0);
  EXPECT_TRUE(view["last_status"].is_null());
  EXPECT_NE(view["last_error"].get<std::string>().find("refused"), std::string::npos)
      << view.dump();

  // The API stays responsive while the webhook waits.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(gw.get("/api/v1/status").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);

  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(gw.process().stop(SIGTERM, 10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 3s) << "a backoff wait held up shutdown";
}

TEST(Webhooks, AHungReceiverTimesOutAfterFiveSecondsAndDoesNotHoldUpShutdown) {
  SilentTcpListener hung;
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {}, fastRetries());
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(
      gw.post("/api/v1/webhooks", json{{"url", hookUrl(hung.port())}, {"events", {"config."}}})
          .status,
      201);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("a")).status, 201);
  json view;
  ASSERT_TRUE(waitUntil(
      [&] {
        view = gw.get("/api/v1/webhooks/1").json();
        return !view["last_error"].is_null();
      },
      10s))
      << view.dump();
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 4900ms);
  EXPECT_LT(waited, 8s);
  EXPECT_NE(view["last_error"].get<std::string>().find("timed out after 5000 ms"),
            std::string::npos)
      << view.dump();
  EXPECT_EQ(view["pending"], 1) << "the timed-out delivery is retried";
  // The second attempt (50 ms later) is in flight once it has connected; stopping interrupts
  // it. Waiting for it would take ~5 s.
  ASSERT_TRUE(waitUntil([&] { return hung.connectionsSoFar() >= 2; }, 5s));
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(gw.process().stop(SIGTERM, 10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 3500ms) << "a request in flight held up shutdown";
}

TEST(Webhooks, DeletingAWebhookStopsItsRetriesAtOnce) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {}, {"SRTGW_WEBHOOK_BACKOFF_MS=5000"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(gw.post("/api/v1/webhooks", json{{"url", hookUrl(deadPort())}}).status, 201);
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("a")).status, 201);
  ASSERT_TRUE(
      waitUntil([&] { return !gw.get("/api/v1/webhooks/1").json()["last_error"].is_null(); }, 5s));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(gw.del("/api/v1/webhooks/1").status, 204);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(gw.get("/api/v1/webhooks/1").status, 404);
  EXPECT_EQ(gw.get("/api/v1/webhooks").json()["total"], 0);
}

TEST(Webhooks, InvalidDocumentsAreRejectedWithFieldErrors) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto fieldOf = [](const HttpResult& r) {
    auto j = r.json();
    return j["errors"].empty() ? std::string() : j["errors"][0]["field"].get<std::string>();
  };
  struct Case {
    json body;
    std::string field;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{{"url", "https://example.com/hook"}}, "url", "https is not supported"},
      {{{"url", "http://127.0.0.1:0/x"}}, "url", "port from 1 to 65535"},
      {{{"url", "http://127.0.0.1:70000/x"}}, "url", "port from 1 to 65535"},
      {{{"url", "http://127.0.0.1:/x"}}, "url", "empty port"},
      {{{"url", "http://127.0.0.1:80a/x"}}, "url", "port"},
      {{{"url", "ftp://127.0.0.1/x"}}, "url", "http scheme"},
      {{{"url", "127.0.0.1:8080/x"}}, "url", "absolute URL"},
      {{{"url", "http:///x"}}, "url", "no host"},
      {{{"url", "http://user:pw@127.0.0.1/x"}}, "url", "credentials"},
      {{{"url", "http://127.0.0.1/a b"}}, "url", "spaces"},
      {{{"url", "http://bad_host/x"}}, "url", "host"},
      {{{"url", 5}}, "url", "string"},
      {json::object(), "url", "required"},
      {{{"url", "http://127.0.0.1/x"}, {"events", {"input.bogus"}}},
       "events[0]",
       "known event type"},
      {{{"url", "http://127.0.0.1/x"}, {"events", {"config.", "bogus."}}},
       "events[1]",
       "known event type"},
      {{{"url", "http://127.0.0.1/x"}, {"events", "config."}}, "events", "array"},
      {{{"url", "http://127.0.0.1/x"}, {"events", {1}}}, "events[0]", "string"},
      {{{"url", "http://127.0.0.1/x"}, {"secret", "abc1234"}}, "secret", "8 to 256"},
      {{{"url", "http://127.0.0.1/x"}, {"secret", std::string(257, 'k')}}, "secret", "8 to 256"},
      {{{"url", "http://127.0.0.1/x"}, {"secret", 12345678}}, "secret", "string"},
      {{{"url", "http://127.0.0.1/x"}, {"enabled", "yes"}}, "enabled", "true or false"},
      {{{"url", "http://127.0.0.1/x"}, {"name", 3}}, "name", "string"},
      {{{"url", "http://127.0.0.1/x"}, {"colour", "red"}}, "colour", "unknown field"},
  };
  for (const auto& c : cases) {
    auto r = gw.post("/api/v1/webhooks", c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump() << " " << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/problem+json") << c.body.dump();
    EXPECT_EQ(fieldOf(r), c.field) << c.body.dump() << " " << r.body;
    EXPECT_NE(r.body.find(c.says), std::string::npos) << c.body.dump() << " " << r.body;
    EXPECT_EQ(r.body.find("abc1234"), std::string::npos) << "a secret was echoed";
  }
  // Several problems at once are all reported.
  auto many = gw.post("/api/v1/webhooks", json{{"url", "https://x/"}, {"enabled", 1}, {"x", 1}});
  EXPECT_EQ(many.json()["errors"].size(), 3u) << many.body;
  EXPECT_EQ(
      gw.request("POST", "/api/v1/webhooks", R"({"url":"http://127.0.0.1/x"})", "text/plain")
          .status,
      415);
  EXPECT_EQ(gw.request("POST", "/api/v1/webhooks", "{nope").status, 400);
  EXPECT_EQ(gw.get("/api/v1/webhooks").json()["total"], 0) << "a rejected request stored something";

  // Accepted: a prefix of future TS alarms, IPv6 and a host name, a default port.
  for (const char* url : {"http://[::1]:8080/a?b=c", "http://receiver.example:80/", "http://h"}) {
    auto ok = gw.post(
        "/api/v1/webhooks",
        json{{"url", url}, {"events", {"ts.", "client.", "gateway.started"}}, {"enabled", false}});
    EXPECT_EQ(ok.status, 201) << url << " " << ok.body;
  }
  EXPECT_EQ(gw.get("/api/v1/webhooks?per_page=2").json()["items"].size(), 2u);
  EXPECT_EQ(gw.get("/api/v1/webhooks?per_page=0").status, 400);
  EXPECT_EQ(gw.get("/api/v1/webhooks/99").status, 404);
  EXPECT_EQ(gw.get("/api/v1/webhooks/abc").status, 404);
  EXPECT_EQ(gw.get("/api/v1/webhooks/99/deliveries").status, 404);
  EXPECT_EQ(gw.del("/api/v1/webhooks/99").status, 404);
  EXPECT_EQ(gw.patch("/api/v1/webhooks/1", json{{"url", "https://x/"}}).status, 400);
  EXPECT_EQ(gw.get("/api/v1/webhooks/1").json()["url"], "http://[::1]:8080/a?b=c")
      << "a rejected patch changed it";
}

TEST(Webhooks, PutReplacesAndMergePatchEditsTheSecret) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  ASSERT_EQ(
      gw.post("/api/v1/webhooks",
              json{{"url", "http://127.0.0.1:9/a"}, {"secret", kSecret}, {"events", {"config."}}})
          .status,
      201);
  auto p = gw.request("PATCH", "/api/v1/webhooks/1", R"({"name":"n","events":null})",
                "application/merge-patch+json");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json()["name"], "n");
  EXPECT_EQ(p.json()["events"], json::array());
  EXPECT_EQ(p.json()["secret_set"], true);
  EXPECT_EQ(gw.patch("/api/v1/webhooks/1", json{{"secret", nullptr}}).json()["secret_set"], false);
  EXPECT_EQ(gw.patch("/api/v1/webhooks/1", json{{"secret", kSecret}}).json()["secret_set"], true);
  auto put =
      gw.put("/api/v1/webhooks/1", json{{"url", "http://127.0.0.1:10/b"}, {"enabled", false}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["secret_set"], false) << "PUT replaces the whole document";
  EXPECT_EQ(put.json()["enabled"], false);
  EXPECT_EQ(put.json()["name"], "");
  EXPECT_EQ(gw.put("/api/v1/webhooks/1", json{{"enabled", true}}).status, 400);
}

TEST(Webhooks, SurviveARestartAndDeliverAfterIt) {
  ASSERT_GE(sodium_init(), 0);
  HttpReceiver rx;
  TempDir dir;
  {
    ServeProcess gw(dir, "gw1", dir.file("db"), {}, fastRetries());
    ASSERT_NE(gw.port(), 0) << gw.log();
    ASSERT_EQ(gw.post("/api/v1/webhooks", json{{"url", hookUrl(rx.port())},
                                               {"secret", kSecret},
                                               {"events", {"gateway.started", "config."}},
                                               {"name", "kept"}})
                  .status,
              201);
    ASSERT_EQ(
        gw.post("/api/v1/webhooks", json{{"url", "http://127.0.0.1:9/off"}, {"enabled", false}})
            .status,
        201);
    EXPECT_EQ(gw.process().stop(), 0);
  }
  const size_t before = rx.count();
  ServeProcess gw(dir, "gw2", dir.file("db"), {}, fastRetries());
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto list = gw.get("/api/v1/webhooks").json();
  ASSERT_EQ(list["total"], 2) << list.dump();
  EXPECT_EQ(list["items"][0]["name"], "kept");
  EXPECT_EQ(list["items"][0]["secret_set"], true);
  EXPECT_EQ(list["items"][0]["events"], json({"gateway.started", "config."}));
  EXPECT_EQ(list["items"][1]["enabled"], false);
  ASSERT_EQ(gw.post("/api/v1/inputs", quietInput("after")).status, 201);
  ASSERT_TRUE(rx.waitFor(before + 2, 10s));
  auto got = rx.requests();
  const auto& started = got[before];
  const auto& created = got[before + 1];
  EXPECT_EQ(started.header("x-srtgw-event"), "gateway.started");
  EXPECT_EQ(created.header("x-srtgw-event"), "config.created");
  EXPECT_EQ(created.header("x-srtgw-signature"), "sha256=" + hmacHex(kSecret, created.body));
  // Ids keep counting: a new webhook never takes a deleted one's id.
  ASSERT_EQ(gw.del("/api/v1/webhooks/2").status, 204);
  EXPECT_EQ(gw.post("/api/v1/webhooks", json{{"url", hookUrl(rx.port())}, {"enabled", false}})
                .headers["location"],
            "/api/v1/webhooks/3");
}

}  // namespace
}  // namespace srtgw::test
