// TR 101 290 analysis of a running input, end to end: a clean ffmpeg stream shows its
// services and no error; dropped datagrams show as exactly that many continuity errors, a
// missing PAT as PAT_error, with alarms in the event log and counters in /metrics; a
// payload that is not TS says so; and analysis never costs forwarding a packet.

#include <gtest/gtest.h>

#include "support/serve_process.hpp"
#include "support/udp_peers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string port(int p) { return std::to_string(p); }

const json& indicator(const json& analysis, const std::string& id) {
  for (const auto& i : analysis["indicators"]) {
    if (i["id"] == id) return i;
  }
  static const json none;
  return none;
}

// PCRs as an independent receiver saw them arrive: how many there were and how many 40 ms
// repetition deadlines (TR 101 290 2.3a) their arrival gaps broke, counted generously (a gap
// over 38 ms counts, one per started 40 ms) so that it bounds what srtgw may report.
struct LatePcrs {
  int pcrs = 0;
  int late = 0;
  int64_t longest_gap_ns = 0;
  std::string describe() const {
    return std::to_string(late) + " late PCR(s) of " + std::to_string(pcrs) + ", longest gap " +
           std::to_string(longest_gap_ns / 1'000'000) + " ms";
  }
};

LatePcrs latePcrs(const UdpSink& observer) {
  const std::string data = observer.data();
  const auto sizes = observer.datagramSizes();
  const auto arrivals = observer.arrivalTimesNs();
  std::map<int, std::vector<int64_t>> pcr_times;  // per PID
  size_t offset = 0;
  for (size_t d = 0; d < sizes.size() && d < arrivals.size(); ++d) {
    for (size_t k = 0; k + 188 <= sizes[d]; k += 188) {
      const auto* p = reinterpret_cast<const uint8_t*>(data.data() + offset + k);
      const bool has_adaptation = (p[3] & 0x20) != 0;
      if (p[0] == 0x47 && has_adaptation && p[4] > 0 && (p[5] & 0x10) != 0) {
        pcr_times[((p[1] & 0x1f) << 8) | p[2]].push_back(arrivals[d]);
      }
    }
    offset += sizes[d];
  }
  LatePcrs out;
  for (const auto& [pid, times] : pcr_times) {
    if (static_cast<int>(times.size()) <= out.pcrs) {
      continue;
    }
    out = LatePcrs{static_cast<int>(times.size()), 0, 0};
    for (size_t i = 1; i < times.size(); ++i) {
      const int64_t gap = times[i] - times[i - 1];
      out.longest_gap_ns = std::max(out.longest_gap_ns, gap);
      if (gap > 38'000'000) {
        out.late += static_cast<int>((gap + 39'999'999) / 40'000'000);
      }
    }
  }
  return out;
}

int createUdpInput(ServeProcess& gw, const std::string& name) {
  auto r = gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", "127.0.0.1"}, {"name", name}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json()["local_port"];
}

TEST(TsAnalysis, CleanFfmpegStreamHasServicesAndNoErrors) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  // ffmpeg sends to a multicast group of our own on loopback, which srtgw's input and an
  // observer in this process both receive: the same datagrams, dated by the same kernel.
  const std::string group = "239.255." + std::to_string(getpid() % 250) + "." + std::to_string(1 + std::rand() % 250);
  auto created = gw.post("/api/v1/inputs", json{{"type", "udp"}, {"listen_port", 0}, {"bind_addr", group},
                                                {"interface", "lo"}, {"name", "clean"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const int in_port = created.json()["local_port"];
  UdpSink observer(MulticastGroup{group, in_port});
  UdpSink sink;
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1}, {"destination_addr", "127.0.0.1:" + port(sink.port())}}).status, 201);
  // PCR every 20 ms at 50 fps: a stream TR 101 290 has nothing to say about, as sent. ffmpeg
  // runs at a higher priority where the host allows it (as root; elsewhere nice only warns).
  // Still, when the host takes ffmpeg's CPU away for 20 ms or more (this CI's VM does, see
  // bench/RESULTS.md), a PCR really does arrive more than 40 ms after the one before and 2.3a
  // rightly says so; the observer tells how often that happened.
  ChildProcess ff({"nice", "-n", "-10", "ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f",
                   "lavfi", "-i", "testsrc2=size=320x240:rate=50", "-f", "lavfi", "-i", "sine", "-t", "4",
                   "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-pcr_period", "20", "-f",
                   "mpegts", "udp://" + group + ":" + port(in_port) + "?pkt_size=1316&localaddr=127.0.0.1&ttl=1"},
                  dir.file("ff.out"), dir.file("ff.log"));
  ASSERT_EQ(ff.wait(30s), 0) << ff.stderrText();
  json a;
  ASSERT_TRUE(waitUntil([&] {
    a = gw.get("/api/v1/inputs/1/analysis").json();
    return a.value("available", false) &&
           static_cast<size_t>(a["packets_received"].get<int64_t>()) * 188 >= sink.bytes() &&
           sink.bytes() > 0;
  }, 15s)) << a.dump();
  ASSERT_TRUE(waitUntil([&] { return observer.bytes() >= sink.bytes(); }, 5s));
  const LatePcrs late_pcrs = latePcrs(observer);
  ASSERT_GE(late_pcrs.pcrs, 150) << "the observer must see the stream's ~200 PCRs";
  EXPECT_EQ(a["detection"], "ts");
  EXPECT_EQ(a["is_ts"], true);
  ASSERT_EQ(a["programs"].size(), 1u) << a["programs"].dump();
  std::set<std::string> codecs;
  for (const auto& s : a["programs"][0]["streams"]) codecs.insert(s["codec"]);
  EXPECT_TRUE(codecs.count("H.264")) << a["programs"].dump();
  EXPECT_TRUE(codecs.count("AAC (ADTS)")) << a["programs"].dump();
  EXPECT_FALSE(a["programs"][0].value("service_name", "").empty()) << "ffmpeg writes an SDT";
  EXPECT_GT(a["pids"].size(), 3u);
  for (const auto& i : a["indicators"]) {
    if (i["id"] == "2.4") {
      // PCR accuracy is approximated from arrival times (src/ts/README.md), the kernel's
      // receive time of each datagram: ffmpeg's -re sending on a busy 2-core CI host puts
      // some PCRs more than 10 ms off the fitted line (0-3 seen here). A real PCR fault
      // fires on most of the ~200 PCRs of this stream, so this bound still catches one.
      EXPECT_LE(i["count"].get<int>(), 20) << i.dump();
      continue;
    }
    if (i["id"] == "2.3a") {
      EXPECT_LE(i["count"].get<int>(), late_pcrs.late) << i.dump() << "; the observer saw " << late_pcrs.describe();
      continue;
    }
    EXPECT_EQ(i["count"], 0) << i.dump();
  }
  EXPECT_LE(a["worst_active_priority"].get<int>(), 2);
  EXPECT_EQ(a["pids"].size(), 5u) << "PAT, SDT, PMT, video, audio";
  EXPECT_EQ(a["analysis_skipped_packets"], 0);
  auto st = gw.get("/api/v1/status").json();
  EXPECT_EQ(st["inputs"][0]["ts"]["available"], true);
  EXPECT_EQ(st["inputs"][0]["ts"]["is_ts"], true);
  EXPECT_EQ(st["inputs"][0]["ts"]["alarm_count"], a["alarm_count"]);
}

TEST(TsAnalysis, DroppedDatagramsAreExactlyThatManyContinuityErrors) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  const int in_port = createUdpInput(gw, "gappy");
  // PID 0x100 with a continuity counter; 5 datagrams (7 packets each) left out on the way.
  std::string data = makeSequenceTs(7 * 2000);
  std::string sent;
  const std::set<int> drop = {300, 700, 701, 1200, 1900};  // 701 continues the 700 gap
  for (int d = 0; d < 2000; ++d) {
    if (!drop.count(d)) sent += data.substr(static_cast<size_t>(d) * 1316, 1316);
  }
  UdpSource src("127.0.0.1", in_port, sent, 8.0);
  src.join();
  json a;
  ASSERT_TRUE(waitUntil([&] {
    a = gw.get("/api/v1/inputs/1/analysis").json();
    return a.value("available", false) &&
           a["packets_received"].get<int64_t>() + a["analysis_skipped_packets"].get<int64_t>() ==
               static_cast<int64_t>(sent.size() / 188);
  }, 15s)) << a.dump();
  EXPECT_EQ(a["analysis_skipped_packets"], 0);
  EXPECT_EQ(indicator(a, "1.4")["count"], 4) << "one error per gap: 300, 700-701, 1200, 1900";
  // No PAT in this stream at all: PAT_error, priority 1.
  EXPECT_GT(indicator(a, "1.3.a")["count"].get<int>(), 0);
  EXPECT_EQ(indicator(a, "2.1")["count"], 0);
  EXPECT_EQ(a["worst_active_priority"], 1);
  // Alarms are events and metrics.
  json raised;
  ASSERT_TRUE(waitUntil([&] {
    raised = gw.get("/api/v1/events?type=ts.alarm.raised&input=1").json();
    return raised["total"] > 0;
  }, 10s));
  std::set<std::string> raised_ids;
  for (const auto& e : raised["items"]) {
    raised_ids.insert(e["data"]["indicator"].get<std::string>());
    EXPECT_EQ(e["data"]["priority"], 1) << e.dump();
  }
  EXPECT_TRUE(raised_ids.count("1.3.a")) << raised.dump();
  auto metrics = gw.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(srtgw_ts_errors_total{kind="input",id="1",name="gappy",indicator="1.4",indicator_name="Continuity_count_error",priority="1"} 4)"),
            std::string::npos);
  // Reset clears the counters.
  auto reset = gw.request("POST", "/api/v1/inputs/1/analysis/reset");
  EXPECT_EQ(reset.status, 202) << reset.body;
  ASSERT_TRUE(waitUntil([&] {
    return indicator(gw.get("/api/v1/inputs/1/analysis").json(), "1.4")["count"] == 0;
  }, 10s));
  EXPECT_EQ(gw.request("POST", "/api/v1/inputs/99/analysis/reset").status, 404);
}

TEST(TsAnalysis, APayloadThatIsNotTsSaysSoAndForwardingIsUntouched) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  const int in_port = createUdpInput(gw, "not ts");
  UdpSink sink;
  ASSERT_EQ(gw.post("/api/v1/outputs", json{{"type", "udp"}, {"input_id", 1}, {"destination_addr", "127.0.0.1:" + port(sink.port())}}).status, 201);
  std::string junk(1316 * 1500, '\0');
  uint32_t x = 7;
  for (auto& c : junk) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>((x >> 16) == 0x47 ? 0x48 : (x >> 16));
  }
  UdpSource src("127.0.0.1", in_port, junk, 20.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() == junk.size(); }, 15s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == junk) << "forwarding must not depend on the payload";
  json a;
  ASSERT_TRUE(waitUntil([&] {
    a = gw.get("/api/v1/inputs/1/analysis").json();
    return a.value("detection", "") == "not_ts";
  }, 10s)) << a.dump();
  EXPECT_EQ(a["is_ts"], false);
  EXPECT_NE(a.value("message", "").find("does not carry MPEG-TS"), std::string::npos);
  for (const auto& i : a["indicators"]) {
    EXPECT_EQ(i["count"], 0) << "no nonsense errors for a non-TS payload: " << i.dump();
  }
}

}  // namespace
}  // namespace srtgw::test
