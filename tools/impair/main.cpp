// srtgw-impair: a loopback UDP relay that impairs traffic both ways, for loss and resilience
// tests on hosts without netem. See README.md.

#include <signal.h>
#include <sys/signalfd.h>

#include <cstdio>
#include <string>

#include "cli.hpp"
#include "net/fd.hpp"
#include "relay.hpp"
#include "report.hpp"

namespace {

void printLine(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);  // readers wait on whole lines, often through a pipe
}

}  // namespace

int main(int argc, char** argv) {
  using namespace srtgw::impair;

  // Blocked before anything else so a signal is only ever read from the signalfd, by the
  // relay's loop; SIGPIPE would otherwise kill us when a reader of stdout goes away.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  srtgw::net::Fd signal_fd(signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd.valid()) {
    std::perror("srtgw-impair: signalfd");
    return 1;
  }

  CliOutcome cli = parseCommandLine(argc, argv);
  if (cli.exit_code >= 0) {
    if (cli.exit_code == 0) {
      std::fputs(cli.message.c_str(), stdout);
    } else {
      std::fprintf(stderr, "srtgw-impair: %s\n", cli.message.c_str());
    }
    return cli.exit_code;
  }
  auto relay = Relay::open(cli.config);
  if (!relay) {
    std::fprintf(stderr, "srtgw-impair: %s\n", relay.error().message.c_str());
    return relay.error().code == srtgw::core::Errc::kInvalidArgument ? 2 : 1;
  }
  printLine(formatStartLine(cli.config, (*relay)->listenAddress()));
  (*relay)->run(signal_fd.get(),
                [](const RelayStats& stats) { printLine(formatStatsLine(stats, "report")); });
  printLine(formatStatsLine((*relay)->snapshot(), "final"));
  return 0;
}
