#include "app/signals.hpp"

#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace srtgw::app {

sigset_t blockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A vanished UDP/TCP peer must never kill the process.
  signal(SIGPIPE, SIG_IGN);
  return set;
}

int waitStopSignal(const sigset_t& set, int timeout_ms) {
  timespec ts{};
  ts.tv_sec = timeout_ms / 1000;
  ts.tv_nsec = static_cast<long>(timeout_ms % 1000) * 1'000'000L;
  int sig = sigtimedwait(&set, nullptr, &ts);
  return sig < 0 ? 0 : sig;
}

}  // namespace srtgw::app
