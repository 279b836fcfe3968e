// parseCommandLine and the JSON lines the binary prints.

#include "cli.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/address.hpp"
#include "report.hpp"

namespace srtgw::impair {
namespace {

constexpr int64_t kMs = 1'000'000;

CliOutcome parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"srtgw-impair"};
  for (const auto& a : args) {
    argv.push_back(a.c_str());
  }
  return parseCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(ImpairCli, ParsesTheIssueExample) {
  auto out = parse({"--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9000", "--loss", "5",
                    "--delay-ms", "10", "--seed", "42"});
  ASSERT_EQ(out.exit_code, -1) << out.message;
  EXPECT_EQ(net::formatAddress(out.config.listen), "127.0.0.1:0");
  EXPECT_EQ(net::formatAddress(out.config.forward), "127.0.0.1:9000");
  EXPECT_EQ(out.config.seed, 42u);
  for (const DirectionConfig* d : {&out.config.up, &out.config.down}) {
    EXPECT_EQ(d->loss_pct, 5);
    EXPECT_EQ(d->delay_ns, 10 * kMs);
    EXPECT_EQ(d->rate_mbps, 0);
  }
}

TEST(ImpairCli, PerDirectionFlagsOverrideTheSharedOnes) {
  auto out = parse({"--listen",
                    "127.0.0.1:0",
                    "--forward",
                    "[::1]:9000",
                    "--loss",
                    "5",
                    "--loss-down",
                    "0",
                    "--delay-ms-up",
                    "7.5",
                    "--burst",
                    "1,25",
                    "--burst-up",
                    "2,50,80",
                    "--jitter-ms",
                    "2",
                    "--jitter-dist-down",
                    "normal",
                    "--rate-mbps-up",
                    "8",
                    "--queue-kb",
                    "64",
                    "--reorder",
                    "3",
                    "--duplicate-down",
                    "1"});
  ASSERT_EQ(out.exit_code, -1) << out.message;
  const auto& up = out.config.up;
  const auto& down = out.config.down;
  EXPECT_EQ(up.loss_pct, 5);
  EXPECT_EQ(down.loss_pct, 0);
  EXPECT_EQ(up.delay_ns, 7'500'000);
  EXPECT_EQ(down.delay_ns, 0);
  EXPECT_EQ(up.burst.good_to_bad_pct, 2);
  EXPECT_EQ(up.burst.bad_to_good_pct, 50);
  EXPECT_EQ(up.burst.loss_in_bad_pct, 80);
  EXPECT_EQ(down.burst.good_to_bad_pct, 1);
  EXPECT_EQ(down.burst.loss_in_bad_pct, 100);
  EXPECT_EQ(up.jitter_distribution, JitterDistribution::kUniform);
  EXPECT_EQ(down.jitter_distribution, JitterDistribution::kNormal);
  EXPECT_EQ(up.rate_mbps, 8);
  EXPECT_EQ(down.rate_mbps, 0);
  EXPECT_EQ(up.queue_bytes, 64 * 1024);
  EXPECT_EQ(down.reorder_pct, 3);
  EXPECT_EQ(down.duplicate_pct, 1);
  EXPECT_EQ(up.duplicate_pct, 0);
  EXPECT_EQ(net::formatAddress(out.config.forward), "[::1]:9000");
}

TEST(ImpairCli, BadValuesExitWithStatus2AndNameTheFlag) {
  struct Case {
    std::vector<std::string> extra;
    const char* mentions;
  } cases[] = {
      {{"--loss", "101"}, "--loss"},
      {{"--loss-up", "x"}, "--loss-up"},
      {{"--burst", "5"}, "--burst"},
      {{"--burst", "5,0"}, "never recovers"},
      {{"--delay-ms", "-1"}, "--delay-ms"},
      {{"--jitter-dist", "pareto"}, "uniform or normal"},
      {{"--rate-mbps-down", "fast"}, "--rate-mbps-down"},
      {{"--no-such-flag", "1"}, "no-such-flag"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto out = parse(args);
    EXPECT_EQ(out.exit_code, 2) << c.extra[0];
    EXPECT_NE(out.message.find(c.mentions), std::string::npos) << out.message;
  }
  EXPECT_EQ(parse({"--forward", "127.0.0.1:9"}).exit_code, 2);
  EXPECT_EQ(parse({"--listen", "127.0.0.1", "--forward", "127.0.0.1:9"}).exit_code, 2);
  EXPECT_EQ(parse({"--listen", "127.0.0.1:70000", "--forward", "127.0.0.1:9"}).exit_code, 2);
}

TEST(ImpairCli, HelpExitsWithStatus0AndListsEveryFlag) {
  auto out = parse({"--help"});
  EXPECT_EQ(out.exit_code, 0);
  for (const char* flag :
       {"--listen", "--forward", "--loss", "--burst", "--delay-ms", "--jitter-ms", "--jitter-dist",
        "--reorder", "--duplicate", "--rate-mbps", "--queue-kb", "--seed", "--report-ms",
        "--loss-up", "--loss-down"}) {
    EXPECT_NE(out.message.find(flag), std::string::npos) << flag;
  }
}

TEST(ImpairCli, WithoutSeedOneIsChosenAndReported) {
  auto a = parse({"--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9"});
  ASSERT_EQ(a.exit_code, -1);
  EXPECT_NE(formatStartLine(a.config, a.config.listen).find("\"seed\":"), std::string::npos);
}

TEST(ImpairReport, LinesAreTheDocumentedJson) {
  auto out = parse({"--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9", "--seed", "3"});
  ASSERT_EQ(out.exit_code, -1);
  sockaddr_storage bound = out.config.listen;
  reinterpret_cast<sockaddr_in&>(bound).sin_port = htons(40123);
  EXPECT_EQ(formatStartLine(out.config, bound),
            R"({"listen":"127.0.0.1:40123","forward":"127.0.0.1:9","seed":3})");
  RelayStats s;
  s.up.received = 200;
  s.up.forwarded = 185;
  s.up.dropped_loss = 10;
  s.up.dropped_burst = 4;
  s.up.dropped_rate = 1;
  s.up.duplicated = 0;
  s.elapsed_ns = 1'500'000'000;
  s.clients = 1;
  EXPECT_EQ(formatStatsLine(s, "final"),
            R"({"event":"final","elapsed_ms":1500,"clients":1,"clients_refused":0,"pending":0,)"
            R"("up":{"received":200,"forwarded":185,"dropped_loss":10,"dropped_burst":4,)"
            R"("dropped_rate":1,"dropped_other":0,"duplicated":0,"reordered":0,"delayed":0,)"
            R"("loss_pct":7.500},)"
            R"("down":{"received":0,"forwarded":0,"dropped_loss":0,"dropped_burst":0,)"
            R"("dropped_rate":0,"dropped_other":0,"duplicated":0,"reordered":0,"delayed":0,)"
            R"("loss_pct":0.000}})");
}

}  // namespace
}  // namespace srtgw::impair
