// `srtgw relay` as a command: bad URLs, clean stops.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>

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

// The kernel's CPU wake-up latency limit now, over every holder (us; -1: unreadable).
int cpuLatencyNowUs() {
  const int fd = ::open("/dev/cpu_dma_latency", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  int32_t value = -1;
  const bool ok = ::read(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value);
  ::close(fd);
  return ok ? value : -1;
}

// Whether process `pid` has /dev/cpu_dma_latency open: the kernel keeps the request exactly
// as long as that file is open, and closes it with the process however it ends.
bool holdsCpuLatency(pid_t pid) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    if (std::filesystem::read_symlink(e.path(), ec) == "/dev/cpu_dma_latency") {
      return true;
    }
  }
  return false;
}

// --cpu-latency-us asks the kernel (PM QoS) to keep every CPU's wake-up latency at or below
// the value while the relay runs. Without the right to, the relay says why and runs on.
TEST(RelayCli, CpuLatencyIsHeldWhileTheRelayRuns) {
  TempDir dir;
  constexpr int kUs = 37;
  RelayProcess relay(dir, "r", {"udp://127.0.0.1:0", "udp://127.0.0.1:9"},
                     {"--cpu-latency-us", std::to_string(kUs)});
  ASSERT_NE(relay.inputPort(), 0) << relay.log();
  if (geteuid() != 0) {
    EXPECT_NE(relay.log().find("--cpu-latency-us: cannot open /dev/cpu_dma_latency"), std::string::npos)
        << relay.log();
    EXPECT_FALSE(holdsCpuLatency(relay.process().pid()));
  } else {
    EXPECT_TRUE(holdsCpuLatency(relay.process().pid())) << relay.log();
    const int now = cpuLatencyNowUs();
    EXPECT_GE(now, 0);
    EXPECT_LE(now, kUs);  // lower only if another process holds a lower limit
  }
  EXPECT_EQ(relay.process().stop(SIGTERM, 5s), 0);

  // Out of range is refused before anything starts.
  std::vector<std::string> argv{srtgwBinary(), "relay", "--cpu-latency-us", "-2", "udp://127.0.0.1:0",
                                "udp://127.0.0.1:9"};
  ChildProcess bad(argv, dir.file("bad.out"), dir.file("bad.err"));
  EXPECT_NE(bad.wait(10s), 0);
  EXPECT_NE(bad.stderrText().find("--cpu-latency-us"), std::string::npos) << bad.stderrText();
}

}  // namespace
}  // namespace srtgw::test
