// A matrix of malformed and hostile requests: each gets its exact status, a problem+json
// body where there is one, and changes nothing that is stored or running.

#include <gtest/gtest.h>

#include "support/serve_process.hpp"

namespace srtgw::test {
namespace {

using nlohmann::json;

struct BadCase {
  std::string what;
  std::string method;
  std::string path;
  std::string body;
  std::string content_type;  // "" = application/json; "-" = none
  int status;
};

// What a client stored, without the figures that change by themselves.
json configOnly(json list) {
  for (auto& item : list["items"]) {
    for (const char* k : {"state", "error_message", "bitrate_bps", "packets", "bytes", "peer",
                          "connected_clients"}) {
      item.erase(k);
    }
  }
  return list;
}

std::string deep(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BadInput, EveryMalformedRequestGetsItsStatusAndChangesNothing) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  const int taken = freeUdpPort();
  ASSERT_EQ(gw.post("/api/v1/inputs", json{{"type", "srt"}, {"listen_port", taken}, {"name", "keep me"},
                                           {"passphrase", "original-passphrase"}}).status, 201);
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1},
                                            {"destination_addr", "127.0.0.1:9"}}).status, 201);
  const json inputs_before = configOnly(gw.get("/api/v1/inputs").json());
  const json outputs_before = configOnly(gw.get("/api/v1/outputs").json());
  const std::string canary = "canary-9c";  // 9 characters: a rejected passphrase

  const std::string in = "/api/v1/inputs";
  const std::string out = "/api/v1/outputs";
  const std::vector<BadCase> cases = {
      {"not JSON", "POST", in, "{type: srt", "", 400},
      {"JSON array", "POST", in, "[1,2]", "", 400},
      {"empty body", "POST", in, "", "", 400},
      {"no type", "POST", in, "{}", "", 400},
      {"unknown type", "POST", in, R"({"type":"rtmp"})", "", 400},
      {"port too big", "POST", in, R"({"type":"srt","listen_port":70000})", "", 400},
      {"negative port", "POST", in, R"({"type":"srt","listen_port":-1})", "", 400},
      {"port as string", "POST", in, R"({"type":"srt","listen_port":"9000"})", "", 400},
      {"missing listen_port", "POST", in, R"({"type":"srt"})", "", 400},
      {"latency too big", "POST", in, R"({"type":"srt","listen_port":0,"latency_ms":60001})", "", 400},
      {"latency negative", "POST", in, R"({"type":"srt","listen_port":0,"latency_ms":-5})", "", 400},
      {"latency float", "POST", in, R"({"type":"srt","listen_port":0,"latency_ms":1.5})", "", 400},
      {"passphrase short", "POST", in, R"({"type":"srt","listen_port":0,"passphrase":")" + canary + R"("})", "", 400},
      {"passphrase long", "POST", in, R"({"type":"srt","listen_port":0,"passphrase":")" + std::string(81, 'p') + R"("})", "", 400},
      {"pbkeylen 20", "POST", in, R"({"type":"srt","listen_port":0,"passphrase":"0123456789","pbkeylen":20})", "", 400},
      {"pbkeylen alone", "POST", in, R"({"type":"srt","listen_port":0,"pbkeylen":32})", "", 400},
      {"fec layout", "POST", in, R"({"type":"srt","listen_port":0,"fec":{"cols":10,"rows":5,"layout":"diagonal","arq":"onreq"}})", "", 400},
      {"fec arq number", "POST", in, R"({"type":"srt","listen_port":0,"fec":{"arq":1}})", "", 400},
      {"fec cols 0", "POST", in, R"({"type":"srt","listen_port":0,"fec":{"cols":0}})", "", 400},
      {"fec unknown key", "POST", in, R"({"type":"srt","listen_port":0,"fec":{"depth":3}})", "", 400},
      {"fec not object", "POST", in, R"({"type":"srt","listen_port":0,"fec":"fec,cols:10"})", "", 400},
      {"unknown field", "POST", in, R"({"type":"srt","listen_port":0,"colour":"red"})", "", 400},
      {"bad mode", "POST", in, R"({"type":"srt","mode":"publisher","listen_port":0})", "", 400},
      {"caller without target", "POST", in, R"({"type":"srt","mode":"caller"})", "", 400},
      {"target without port", "POST", in, R"({"type":"srt","mode":"caller","target_addr":"nohost"})", "", 400},
      {"target port 0", "POST", in, R"({"type":"srt","mode":"caller","target_addr":"1.2.3.4:0"})", "", 400},
      {"target unresolvable", "POST", in, R"({"type":"srt","mode":"caller","target_addr":"no.such.host.invalid:9000"})", "", 400},
      {"srt multicast target", "POST", in, R"({"type":"srt","mode":"caller","target_addr":"239.1.1.1:9000"})", "", 400},
      {"udp input with destination", "POST", in, R"({"type":"udp","listen_port":0,"destination_addr":"1.2.3.4:5"})", "", 400},
      {"udp with latency", "POST", in, R"({"type":"udp","listen_port":0,"latency_ms":100})", "", 400},
      {"udp with mode", "POST", in, R"({"type":"udp","listen_port":0,"mode":"listener"})", "", 400},
      {"ssm without group", "POST", in, R"({"type":"udp","listen_port":0,"multicast_source":"10.0.0.1"})", "", 400},
      {"bind_addr not ip", "POST", in, R"({"type":"udp","listen_port":0,"bind_addr":"my-host"})", "", 400},
      {"no such interface", "POST", in, R"({"type":"udp","listen_port":0,"bind_addr":"239.1.2.3","interface":"nope0"})", "", 400},
      {"stream_id too long", "POST", in, R"({"type":"srt","listen_port":0,"stream_id":")" + std::string(513, 's') + R"("})", "", 400},
      {"empty name", "POST", in, R"({"type":"srt","listen_port":0,"name":""})", "", 400},
      {"name too long", "POST", in, R"({"type":"srt","listen_port":0,"name":")" + std::string(129, 'n') + R"("})", "", 400},
      {"enabled not bool", "POST", in, R"({"type":"srt","listen_port":0,"enabled":"yes"})", "", 400},
      {"payload too big", "POST", in, R"({"type":"srt","listen_port":0,"payload_size":2000})", "", 400},
      {"port clash", "POST", in, R"({"type":"udp","listen_port":)" + std::to_string(taken) + "}", "", 409},
      {"deep nesting", "POST", in, deep(10000), "", 400},
      {"output without destination", "POST", out, R"({"type":"udp","input_id":1})", "", 400},
      {"output for no input", "POST", out, R"({"type":"udp","input_id":999,"destination_addr":"127.0.0.1:9"})", "", 400},
      {"output input_id string", "POST", out, R"({"type":"udp","input_id":"1","destination_addr":"127.0.0.1:9"})", "", 400},
      {"output without input_id", "POST", out, R"({"type":"udp","destination_addr":"127.0.0.1:9"})", "", 400},
      {"ttl 0", "POST", out, R"({"type":"udp","input_id":1,"destination_addr":"127.0.0.1:9","ttl":0})", "", 400},
      {"ttl 256", "POST", out, R"({"type":"udp","input_id":1,"destination_addr":"127.0.0.1:9","ttl":256})", "", 400},
      {"destination without port", "POST", out, R"({"type":"udp","input_id":1,"destination_addr":"127.0.0.1"})", "", 400},
      {"max_clients 0", "POST", out, R"({"type":"srt","input_id":1,"listen_port":0,"max_clients":0})", "", 400},
      {"max_clients on udp", "POST", out, R"({"type":"udp","input_id":1,"destination_addr":"127.0.0.1:9","max_clients":5})", "", 400},
      {"text/plain", "POST", in, R"({"type":"srt","listen_port":0})", "text/plain", 415},
      {"no content type", "POST", in, R"({"type":"srt","listen_port":0})", "-", 415},
      {"form encoded", "POST", in, "type=srt", "application/x-www-form-urlencoded", 415},
      {"body over 1 MiB", "POST", in, std::string((1 << 20) + 10, ' '), "", 413},
      {"patch array", "PATCH", in + "/1", "[]", "", 400},
      {"patch bad type", "PATCH", in + "/1", R"({"listen_port":"x"})", "", 400},
      {"patch to udp keeps srt fields", "PATCH", in + "/1", R"({"type":"udp"})", "", 400},
      {"patch short passphrase", "PATCH", in + "/1", R"({"passphrase":")" + canary + R"("})", "", 400},
      {"put empty", "PUT", in + "/1", "{}", "", 400},
      {"put output to missing input", "PUT", out + "/1", R"({"type":"udp","input_id":42,"destination_addr":"127.0.0.1:9"})", "", 400},
      {"unknown input", "GET", in + "/999", "", "", 404},
      {"patch unknown input", "PATCH", in + "/999", R"({"name":"x"})", "", 404},
      {"delete unknown output", "DELETE", out + "/999", "", "", 404},
      {"non-numeric id", "GET", in + "/abc", "", "", 404},
      {"zero id", "GET", in + "/0", "", "", 404},
      {"huge id", "GET", in + "/99999999999999999999", "", "", 404},
      {"start unknown", "POST", in + "/77/start", "", "", 404},
      {"traversal", "GET", "/api/v1/inputs/../status", "", "", 404},
      {"unknown route", "GET", "/api/v1/nothing", "", "", 404},
      {"delete collection", "DELETE", in, "", "", 405},
      {"put status", "PUT", "/api/v1/status", "{}", "", 405},
      {"post healthz", "POST", "/healthz", "{}", "", 405},
      {"page 0", "GET", in + "?page=0", "", "", 400},
      {"per_page 5000", "GET", in + "?per_page=5000", "", "", 400},
      {"page not a number", "GET", out + "?page=x", "", "", 400},
  };
  ASSERT_GE(cases.size(), 40u);
  for (const auto& c : cases) {
    std::string req = c.method + " " + c.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    for (const auto& h : gw.auth()) {
      req += h + "\r\n";
    }
    if (c.content_type != "-" && (!c.body.empty() || c.method != "GET")) {
      req += "Content-Type: " + (c.content_type.empty() ? std::string("application/json") : c.content_type) + "\r\n";
    }
    req += "Content-Length: " + std::to_string(c.body.size()) + "\r\n\r\n" + c.body;
    auto r = rawHttp(gw.port(), req);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body.substr(0, 300);
    if (r.status >= 400) {
      EXPECT_EQ(r.headers["content-type"], "application/problem+json") << c.what;
      auto j = r.json();
      EXPECT_EQ(j.value("status", 0), c.status) << c.what;
    }
    if (r.status == 400 && c.body.size() < 4096 && c.what != "not JSON") {
      // Field errors name their field.
      auto j = r.json();
      if (j.contains("errors")) {
        EXPECT_FALSE(j["errors"].empty()) << c.what;
      }
    }
    EXPECT_EQ(r.body.find(canary), std::string::npos) << c.what << " echoed a secret";
    EXPECT_EQ(r.body.find("original-passphrase"), std::string::npos) << c.what;
  }

  // Raw protocol abuse.
  EXPECT_EQ(rawHttp(gw.port(), "GARBAGE\r\n\r\n").status, 400);
  EXPECT_EQ(rawHttp(gw.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(32 << 10, 'h') + "\r\n\r\n").status, 431);

  // Nothing stored or running changed.
  EXPECT_EQ(configOnly(gw.get("/api/v1/inputs").json()), inputs_before);
  EXPECT_EQ(configOnly(gw.get("/api/v1/outputs").json()), outputs_before);
  EXPECT_EQ(gw.get("/api/v1/inputs/1").json()["state"], "listening");
  EXPECT_EQ(gw.get("/api/v1/inputs/1").json()["passphrase_set"], true);
  EXPECT_EQ(gw.get("/healthz").status, 200);
  EXPECT_EQ(gw.log().find("original-passphrase"), std::string::npos);
  EXPECT_EQ(gw.log().find(canary), std::string::npos);
}

TEST(BadInput, MethodNotAllowedNamesTheAllowedOnes) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  auto r = gw.request("DELETE", "/api/v1/inputs");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, POST");
}

}  // namespace
}  // namespace srtgw::test
