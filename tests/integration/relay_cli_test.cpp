// `srtgw relay` as a command: bad URLs, clean stops.

#include <gtest/gtest.h>
#include <signal.h>

#include "support/process.hpp"
#include "support/relay_process.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;

int runRelay(const TempDir& dir, std::vector<std::string> urls, std::string* err) {
  std::vector<std::string> argv{srtgwBinary(), "relay"};
  argv.insert(argv.end(), urls.begin(), urls.end());
  ChildProcess p(argv, dir.file("out"), dir.file("err"));
  int st = p.wait(10s);
  *err = p.stderrText();
  return st;
}

TEST(RelayCli, BadUrlsExitWithStatus2AndAClearMessage) {
  TempDir dir;
  struct Case {
    std::vector<std::string> urls;
    const char* mentions;
  } cases[] = {
      {{"rtmp://x:1", "udp://127.0.0.1:9"}, "scheme"},
      {{"srt://:9000?latency=abc", "udp://127.0.0.1:9"}, "latency"},
      {{"srt://:9000?passphrase=short", "udp://127.0.0.1:9"}, "passphrase"},
      {{"udp://127.0.0.1:0", "srt://:9000?pbkeylen=20&passphrase=0123456789"}, "pbkeylen"},
      {{"udp://127.0.0.1:0", "srt://host.invalid:9000"}, "host.invalid"},
      {{"udp://127.0.0.1:0", "udp://:5000"}, "destination"},
      {{"udp://127.0.0.1:0", "srt://:9000?packetfilter=fec,layout:diagonal"}, "layout"},
  };
  for (const auto& c : cases) {
    std::string err;
    EXPECT_EQ(runRelay(dir, c.urls, &err), 2) << c.urls[0] << " " << c.urls[1];
    EXPECT_NE(err.find(c.mentions), std::string::npos) << err;
  }
}

TEST(RelayCli, SecretsNeverReachTheLog) {
  TempDir dir;
  const std::string secret = "canary-passphrase-4242";
  RelayProcess relay(dir, "r",
                     {"udp://127.0.0.1:0", "srt://:0?passphrase=" + secret + "&pbkeylen=24",
                      "srt://127.0.0.1:9?passphrase=" + secret});
  ASSERT_NE(relay.outputPort(0), 0);
  EXPECT_EQ(relay.process().stop(SIGTERM), 0);
  EXPECT_EQ(relay.log().find(secret), std::string::npos);
  EXPECT_EQ(relay.process().stdoutText().find(secret), std::string::npos);
}

TEST(RelayCli, PortInUseIsAClearErrorNotACrash) {
  TempDir dir;
  RelayProcess first(dir, "a", {"udp://127.0.0.1:0", "udp://127.0.0.1:9"});
  const int port = first.inputPort();
  ASSERT_NE(port, 0);
  std::string err;
  EXPECT_EQ(runRelay(dir, {"udp://127.0.0.1:" + std::to_string(port), "udp://127.0.0.1:9"}, &err),
            1);
  EXPECT_NE(err.find("address in use"), std::string::npos) << err;
}

TEST(RelayCli, SigtermAndSigintStopCleanly) {
  TempDir dir;
  for (int sig : {SIGTERM, SIGINT}) {
    RelayProcess relay(dir, "r" + std::to_string(sig), {"udp://127.0.0.1:0", "srt://:0"});
    ASSERT_NE(relay.outputPort(0), 0);
    EXPECT_EQ(relay.process().stop(sig, 5s), 0) << "signal " << sig;
  }
}

}  // namespace
}  // namespace srtgw::test
