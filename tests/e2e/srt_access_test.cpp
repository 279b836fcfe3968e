// SRT access control on listener inputs and outputs, with real callers (srt-live-transmit and
// ffmpeg): good credentials are let in, bad ones are refused before the handshake completes
// with the right reject code, and every refusal is an event with its reason.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/serve_process.hpp"
#include "support/udp_peers.hpp"

namespace srtgw::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string p(int port) { return std::to_string(port); }

// The rejection events of one stream, as [code, ...].
std::vector<int> rejections(ServeProcess& gw, const std::string& filter) {
  std::vector<int> codes;
  const json page = gw.get("/api/v1/events?type=connection.rejected&per_page=1000&" + filter).json();
  for (const auto& e : page["items"]) {
    codes.push_back(e["data"].value("code", 0));
  }
  return codes;
}

bool sawCode(ServeProcess& gw, const std::string& filter, int code) {
  for (int c : rejections(gw, filter)) {
    if (c == code) return true;
  }
  return false;
}

ChildProcess ffmpegPush(const TempDir& dir, const std::string& tag, const std::string& url) {
  return ChildProcess({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                       "testsrc=size=160x120:rate=25", "-t", "30", "-c:v", "mpeg2video", "-f", "mpegts", url},
                      dir.file(tag + ".out"), dir.file(tag + ".log"));
}

TEST(SrtAccess, AListenerInputLetsInGoodCredentialsAndRefusesOthersWithTheirCode) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  UdpSink sink;
  auto in = gw.post("/api/v1/inputs",
                    json{{"type", "srt"}, {"mode", "listener"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"},
                         {"latency_ms", 120},
                         {"access", {{"stream_ids", {"cam1", "cam2"}},
                                     {"users", {{{"name", "alice"}, {"token", "alice-token-1"}},
                                                {{"name", "bob"}, {"token", "bob-token-22"}, {"stream_ids", {"cam2"}}}}}}}});
  ASSERT_EQ(in.status, 201) << in.body;
  const int port = in.json()["local_port"];
  ASSERT_NE(port, 0) << in.body;
  EXPECT_EQ(in.body.find("alice-token-1"), std::string::npos);
  EXPECT_EQ(in.json()["access"]["users"][0]["token_set"], true);
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1},
                                            {"destination_addr", "127.0.0.1:" + p(sink.port())}}).status, 201);
  const std::string base = "srt://127.0.0.1:" + p(port) + "?streamid=";

  {  // ffmpeg with a wrong token: 1401
    auto ff = ffmpegPush(dir, "ff-bad", base + "%23!::r=cam1,u=alice,s=not-the-token");
    EXPECT_TRUE(waitUntil([&] { return sawCode(gw, "input=1", 1401); }, 15s)) << gw.log();
  }
  {  // ffmpeg asking for a stream that is not served: 1404
    auto ff = ffmpegPush(dir, "ff-404", base + "%23!::r=cam9,u=alice,s=alice-token-1");
    EXPECT_TRUE(waitUntil([&] { return sawCode(gw, "input=1", 1404); }, 15s)) << gw.log();
  }
  {  // srt-live-transmit as bob, who may only use cam2, on cam1: 1403
    const int src = freeUdpPort();
    ChildProcess slt({"srt-live-transmit", "-q", "udp://127.0.0.1:" + p(src), base + "%23!::r=cam1,u=bob,s=bob-token-22"},
                     dir.file("slt-403.out"), dir.file("slt-403.log"));
    EXPECT_TRUE(waitUntil([&] { return sawCode(gw, "input=1", 1403); }, 15s)) << gw.log();
  }
  {  // no credentials at all: 1401
    const int src = freeUdpPort();
    ChildProcess slt({"srt-live-transmit", "-q", "udp://127.0.0.1:" + p(src), base + "cam1"},
                     dir.file("slt-plain.out"), dir.file("slt-plain.log"));
    EXPECT_TRUE(waitUntil([&] { return rejections(gw, "input=1").size() >= 4; }, 15s));
  }
  EXPECT_EQ(gw.get("/api/v1/inputs/1").json()["state"], "listening") << "nobody got in";
  EXPECT_EQ(sink.bytes(), 0u);
  // A refused caller retries its handshake many times a second: its refusals are reported
  // once per caller and code, not once per attempt.
  EXPECT_LE(rejections(gw, "input=1").size(), 8u);
  auto ev = gw.get("/api/v1/events?type=connection.rejected&per_page=1000").body;
  EXPECT_EQ(ev.find("not-the-token"), std::string::npos) << "a tried token is never shown";
  EXPECT_NE(ev.find("s=***"), std::string::npos);

  // The right credentials: ffmpeg publishes, the UDP output carries it.
  auto good = ffmpegPush(dir, "ff-good", base + "%23!::r=cam1,u=alice,s=alice-token-1,m=publish");
  EXPECT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json()["state"] == "connected"; }, 15s)) << gw.log();
  EXPECT_TRUE(waitUntil([&] { return sink.bytes() > 10000; }, 15s));
  auto connected = gw.get("/api/v1/events?type=input.state&input=1").body;
  EXPECT_EQ(connected.find("alice-token-1"), std::string::npos);
  good.stop();

  // A rename keeps the stored tokens (the document read back has none to send).
  auto doc = gw.get("/api/v1/inputs/1").json();
  doc.erase("id");
  for (const char* k : {"state", "bitrate_bps", "bytes", "packets", "ts", "local_port", "error_message", "peer",
                        "connected_since_ms", "passphrase_set", "stats"}) {
    doc.erase(k);
  }
  doc["name"] = "venue";
  auto put = gw.put("/api/v1/inputs/1", doc);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["access"]["users"][1]["token_set"], true);
  EXPECT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json()["state"] == "listening"; }, 15s));
  const int src = freeUdpPort();
  ChildProcess slt({"srt-live-transmit", "-q", "udp://127.0.0.1:" + p(src), base + "%23!::r=cam2,u=bob,s=bob-token-22"},
                   dir.file("slt-bob.out"), dir.file("slt-bob.log"));
  EXPECT_TRUE(waitUntil([&] { return gw.get("/api/v1/inputs/1").json()["state"] == "connected"; }, 15s))
      << "bob's token survived the PUT: " << gw.log();
}

TEST(SrtAccess, AListenerOutputServesOnlyCallersWithCredentials) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  const auto in = gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(in.status, 201) << in.body;
  const int in_port = in.json()["local_port"];
  auto out = gw.post("/api/v1/outputs", json{{"type", "srt"}, {"mode", "listener"}, {"input_id", 1}, {"listen_port", 0},
                                             {"bind_addr", "127.0.0.1"},
                                             {"access", {{"users", {{{"name", "carol"}, {"token", "carol-token-3"}}}}}}});
  ASSERT_EQ(out.status, 201) << out.body;
  const int out_port = out.json()["local_port"];
  ASSERT_TRUE(in_port != 0 && out_port != 0) << in.body << out.body;
  UdpSource source("127.0.0.1", in_port, makeSequenceTs(7 * 4000), 3.0);
  const std::string base = "srt://127.0.0.1:" + p(out_port) + "?streamid=";
  UdpSink bad_sink;
  {
    ChildProcess bad({"srt-live-transmit", "-q", base + "%23!::u=carol,s=wrong-token", "udp://127.0.0.1:" + p(bad_sink.port())},
                     dir.file("bad.out"), dir.file("bad.log"));
    EXPECT_TRUE(waitUntil([&] { return sawCode(gw, "output=1", 1401); }, 15s)) << gw.log();
  }
  {  // ffmpeg asking to publish into an output: 1403
    auto ff = ffmpegPush(dir, "ff-pub", base + "%23!::u=carol,s=carol-token-3,m=publish");
    EXPECT_TRUE(waitUntil([&] { return sawCode(gw, "output=1", 1403); }, 15s)) << gw.log();
  }
  EXPECT_EQ(bad_sink.bytes(), 0u);
  UdpSink good_sink;
  ChildProcess good({"srt-live-transmit", "-q", base + "%23!::u=carol,s=carol-token-3,m=request",
                     "udp://127.0.0.1:" + p(good_sink.port())},
                    dir.file("good.out"), dir.file("good.log"));
  EXPECT_TRUE(waitUntil([&] { return good_sink.bytes() > 10000; }, 15s)) << gw.log();
  auto stats = gw.get("/api/v1/outputs/1/stats");
  EXPECT_EQ(stats.body.find("carol-token-3"), std::string::npos) << "the client's streamid is shown redacted";
}

TEST(SrtAccess, RulesAreValidatedAndTokensNeverEchoed) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto bad = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "listener"}, {"listen_port", 0},
                                            {"access", {{"users", {{{"name", "a b"}, {"token", "short"}}, {{"token", "x"}}}},
                                                        {"stream_ids", {""}}, {"extra", 1}}}});
  ASSERT_EQ(bad.status, 400);
  std::set<std::string> fields;
  const json body = bad.json();  // (a range-for over a temporary's member would dangle)
  for (const auto& e : body["errors"]) fields.insert(e["field"].get<std::string>());
  for (const char* f : {"access.users[0].name", "access.users[0].token", "access.users[1].name", "access.users[1].token",
                        "access.stream_ids[0]", "access.extra"}) {
    EXPECT_TRUE(fields.count(f)) << f << " in " << bad.body;
  }
  EXPECT_EQ(bad.body.find("short"), std::string::npos);
  auto caller = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "caller"}, {"target_addr", "127.0.0.1:9"},
                                               {"access", {{"stream_ids", {"x"}}}}});
  ASSERT_EQ(caller.status, 400);
  EXPECT_EQ(caller.json()["errors"][0]["field"], "access");
  EXPECT_EQ(gw.get("/api/v1/inputs").json()["total"], 0);
}

// A caller chooses its streamid's bytes: one that is not UTF-8 once made srtgw abort while
// writing the rejection (or client.connected) event as JSON.
TEST(SrtAccess, AStreamidThatIsNotUtf8IsShownEscapedAndCrashesNothing) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  // Every port srtgw listens on is its own choice (port 0), read back from the reply.
  const auto guard = gw.post("/api/v1/inputs", json{{"type", "srt"}, {"mode", "listener"}, {"listen_port", 0},
                                                    {"bind_addr", "127.0.0.1"}, {"access", {{"stream_ids", {"cam1"}}}}});
  ASSERT_EQ(guard.status, 201) << guard.body;
  const auto in = gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(in.status, 201) << in.body;
  const auto out = gw.post("/api/v1/outputs", json{{"type", "srt"}, {"mode", "listener"}, {"input_id", 2},
                                                   {"listen_port", 0}, {"bind_addr", "127.0.0.1"}});
  ASSERT_EQ(out.status, 201) << out.body;
  const int guarded = guard.json()["local_port"];
  const int out_port = out.json()["local_port"];
  ASSERT_TRUE(guarded != 0 && out_port != 0) << guard.body << out.body;
  {
    const int src = freeUdpPort();
    ChildProcess bad({"srt-live-transmit", "-q", "udp://127.0.0.1:" + p(src),
                      "srt://127.0.0.1:" + p(guarded) + "?streamid=bad\xff\xfeid"},
                     dir.file("bad.out"), dir.file("bad.log"));
    EXPECT_TRUE(waitUntil([&] { return sawCode(gw, "input=1", 1404); }, 15s)) << gw.log();
  }
  UdpSink sink;
  ChildProcess rx({"srt-live-transmit", "-q", "srt://127.0.0.1:" + p(out_port) + "?streamid=x\xffy",
                   "udp://127.0.0.1:" + p(sink.port())},
                  dir.file("rx.out"), dir.file("rx.log"));
  EXPECT_TRUE(waitUntil([&] { return gw.get("/api/v1/events?type=client.connected").json()["total"] == 1; }, 15s))
      << gw.log();
  EXPECT_TRUE(gw.process().running()) << gw.log();
  const auto rejected = gw.get("/api/v1/events?type=connection.rejected").json();
  ASSERT_GE(rejected["items"].size(), 1u);
  EXPECT_EQ(rejected["items"][0]["data"]["stream_id"], "bad\\xff\\xfeid");
  const auto connected = gw.get("/api/v1/events?type=client.connected").json();
  EXPECT_EQ(connected["items"][0]["data"]["stream_id"], "x\\xffy");
  EXPECT_EQ(gw.get("/api/v1/outputs/1/stats").status, 200);
}

}  // namespace
}  // namespace srtgw::test
