// build/srtgw-impair as a process: the start line, periodic and final reports, signals.

#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <string>

#include "impair_test_support.hpp"

namespace srtgw::impair::test {
namespace {

using namespace std::chrono_literals;

// Starts the binary with --listen 127.0.0.1:0 and returns the port from its first line.
uint16_t startAndReadPort(Child& child) {
  auto line = child.readLine(5s);
  EXPECT_TRUE(line) << "no start line";
  if (!line) {
    return 0;
  }
  std::smatch m;
  EXPECT_TRUE(std::regex_match(
      *line, m,
      std::regex(
          R"re(\{"listen":"127\.0\.0\.1:(\d+)","forward":"127\.0\.0\.1:\d+","seed":\d+\})re")))
      << *line;
  return m.empty() ? 0 : static_cast<uint16_t>(std::stoi(m[1]));
}

TEST(ImpairBinary, PrintsThePortRelaysAndReportsOnEachStopSignal) {
  for (int sig : {SIGTERM, SIGINT}) {
    UdpPeer server;
    UdpPeer client;
    Child relay({impairBinary(), "--listen", "127.0.0.1:0", "--forward",
                 "127.0.0.1:" + std::to_string(server.port()), "--seed", "5"});
    const uint16_t port = startAndReadPort(relay);
    ASSERT_NE(port, 0);
    client.sendTo(port, "hello");
    sockaddr_in from{};
    auto d = server.receive(5s, &from);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, "hello");
    server.sendTo(from, "world");
    auto r = client.receive(5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, "world");
    relay.signal(sig);
    auto final_line = relay.readLine(5s);
    ASSERT_TRUE(final_line);
    EXPECT_NE(final_line->find(R"("event":"final")"), std::string::npos) << *final_line;
    EXPECT_NE(final_line->find(R"("up":{"received":1,"forwarded":1,)"), std::string::npos)
        << *final_line;
    EXPECT_NE(final_line->find(R"("down":{"received":1,"forwarded":1,)"), std::string::npos)
        << *final_line;
    EXPECT_EQ(relay.wait(5s), 0) << "signal " << sig;
  }
}

TEST(ImpairBinary, ReportsPeriodicallyWithReportMs) {
  Child relay({impairBinary(), "--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9", "--report-ms",
               "20", "--loss", "5"});
  ASSERT_NE(startAndReadPort(relay), 0);
  for (int i = 0; i < 3; ++i) {
    auto line = relay.readLine(5s);
    ASSERT_TRUE(line);
    EXPECT_NE(line->find(R"("event":"report")"), std::string::npos) << *line;
    EXPECT_NE(line->find(R"("loss_pct":)"), std::string::npos) << *line;
  }
  relay.signal(SIGTERM);
  EXPECT_EQ(relay.wait(5s), 0);
}

TEST(ImpairBinary, BadArgumentsExitWith2) {
  Child relay(
      {impairBinary(), "--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9", "--loss", "abc"});
  EXPECT_EQ(relay.wait(5s), 2);
  Child remote({impairBinary(), "--listen", "127.0.0.1:0", "--forward", "192.0.2.1:9"});
  EXPECT_EQ(remote.wait(5s), 2);
}

}  // namespace
}  // namespace srtgw::impair::test
