// `srtgw serve` configuration layers: defaults < TOML file < SRTGW_* environment < flags.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "support/relay_process.hpp"
#include "support/serve_process.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;

std::string startupLine(const std::string& log) {
  auto pos = log.find("starting: ");
  return pos == std::string::npos ? "" : log.substr(pos, log.find('\n', pos) - pos);
}

TEST(ServeConfig, FileThenEnvironmentThenFlags) {
  TempDir dir;
  writeFile(dir.file("srtgw.toml"), "listen = \"127.0.0.1:0\"\nworkers = 3\nhttp_threads = 3\nrealtime_priority = 5\ncpu_latency_us = 41\n"
                                    "db = \"" + dir.file("from-file.db") + "\"\nlog_level = \"debug\"\n");
  // The file alone.
  {
    ServeProcess gw(dir, "file", "", {"--config", dir.file("srtgw.toml")});
    ASSERT_NE(gw.port(), 0) << gw.log();
    auto line = startupLine(gw.log());
    EXPECT_NE(line.find("workers=3"), std::string::npos) << line;
    EXPECT_NE(line.find("from-file.db"), std::string::npos) << line;
    EXPECT_NE(line.find("log_level=debug"), std::string::npos) << line;
    EXPECT_NE(line.find("realtime_priority=5"), std::string::npos) << line;
    EXPECT_NE(line.find("cpu_latency_us=41"), std::string::npos) << line;
    EXPECT_NE(gw.log().find(geteuid() == 0 ? "CPU wake-up latency held at 41 us"
                                           : "cpu_latency_us: cannot open /dev/cpu_dma_latency"),
              std::string::npos)
        << gw.log();
    // Root may use SCHED_FIFO; anyone else is told why not, and the gateway runs on.
    EXPECT_NE(gw.log().find(geteuid() == 0 ? "data plane threads run under SCHED_FIFO priority 5"
                                           : "realtime_priority: cannot use SCHED_FIFO"),
              std::string::npos)
        << gw.log();
  }
  // The environment beats the file.
  {
    ServeProcess gw(dir, "env", "", {"--config", dir.file("srtgw.toml")},
                    {"SRTGW_WORKERS=2", "SRTGW_DB=" + dir.file("from-env.db"), "SRTGW_LOG_LEVEL=info"});
    ASSERT_NE(gw.port(), 0) << gw.log();
    auto line = startupLine(gw.log());
    EXPECT_NE(line.find("workers=2"), std::string::npos) << line;
    EXPECT_NE(line.find("from-env.db"), std::string::npos) << line;
    EXPECT_NE(line.find("log_level=info"), std::string::npos) << line;
    EXPECT_NE(line.find("http_threads=3"), std::string::npos) << "the file still counts where env is silent";
  }
  // Flags beat the environment.
  {
    ServeProcess gw(dir, "flags", "", {"--config", dir.file("srtgw.toml"), "--workers", "4", "--log-level", "info"},
                    {"SRTGW_WORKERS=2", "SRTGW_LOG_LEVEL=warn"});
    ASSERT_NE(gw.port(), 0) << gw.log();
    auto line = startupLine(gw.log());
    EXPECT_NE(line.find("workers=4"), std::string::npos) << line;
    EXPECT_NE(line.find("log_level=info"), std::string::npos) << line;
    EXPECT_NE(line.find("http_threads=3"), std::string::npos) << line;
  }
}

TEST(ServeConfig, BadFileAndBadFlagsAreClearErrors) {
  TempDir dir;
  writeFile(dir.file("bad.toml"), "listen = 8080\n");
  ChildProcess a({srtgwBinary(), "serve", "--config", dir.file("bad.toml")}, dir.file("a.out"), dir.file("a.err"));
  EXPECT_EQ(a.wait(10s), 2);
  EXPECT_NE(a.stderrText().find("listen"), std::string::npos) << a.stderrText();
  writeFile(dir.file("unknown.toml"), "colour = \"red\"\n");
  ChildProcess b({srtgwBinary(), "serve", "--config", dir.file("unknown.toml")}, dir.file("b.out"), dir.file("b.err"));
  EXPECT_EQ(b.wait(10s), 2);
  EXPECT_NE(b.stderrText().find("colour"), std::string::npos);
  ChildProcess c({srtgwBinary(), "serve", "--listen", "nonsense", "--db", dir.file("c.db")}, dir.file("c.out"), dir.file("c.err"));
  EXPECT_EQ(c.wait(10s), 1);
  EXPECT_NE(c.stderrText().find("host:port"), std::string::npos) << c.stderrText();
  ChildProcess d({srtgwBinary(), "serve", "--workers", "0"}, dir.file("d.out"), dir.file("d.err"));
  EXPECT_NE(d.wait(10s), 0);
  writeFile(dir.file("rt.toml"), "realtime_priority = 100\n");
  ChildProcess e({srtgwBinary(), "serve", "--config", dir.file("rt.toml")}, dir.file("e.out"), dir.file("e.err"));
  EXPECT_EQ(e.wait(10s), 2);
  EXPECT_NE(e.stderrText().find("realtime_priority"), std::string::npos) << e.stderrText();
  writeFile(dir.file("lat.toml"), "cpu_latency_us = -2\n");
  ChildProcess f({srtgwBinary(), "serve", "--config", dir.file("lat.toml")}, dir.file("f.out"), dir.file("f.err"));
  EXPECT_EQ(f.wait(10s), 2);
  EXPECT_NE(f.stderrText().find("cpu_latency_us"), std::string::npos) << f.stderrText();
}

TEST(ServeConfig, SigtermStopsCleanly) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0);
  EXPECT_EQ(gw.process().stop(SIGTERM, 10s), 0);
  EXPECT_NE(gw.log().find("stopping"), std::string::npos);
}

}  // namespace
}  // namespace srtgw::test
