#include "engine/udp_worker.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "core/clock.hpp"

namespace srtgw::engine {

UdpWorker::UdpWorker(std::string name, int coalesce_us)
    : name_(std::move(name)), coalesce_us_(std::max(coalesce_us, 0)) {
  if (!epoll_.valid() || !wake_.valid() || !epoll_.add(wake_.fd(), EPOLLIN, 0)) {
    throw std::runtime_error("cannot create the UDP worker's epoll");
  }
  thread_ = core::NamedThread(name_, [this](std::stop_token st) { run(st); });
}

UdpWorker::~UdpWorker() {
  // request_stop alone cannot interrupt epoll_wait: wake it too.
  post([] {});
  thread_.stopAndJoin();
}

bool UdpWorker::watch(int fd, UdpHandler* handler) {
  auto tag = reinterpret_cast<uint64_t>(handler);
  if (!epoll_.add(fd, EPOLLIN, tag)) {
    return false;
  }
  watched_.insert(tag);
  return true;
}

void UdpWorker::unwatch(int fd, UdpHandler* handler) {
  epoll_.remove(fd);
  watched_.erase(reinterpret_cast<uint64_t>(handler));
}

void UdpWorker::coalesce(int64_t woke_ns) const {
  // Only after a wake-up that carried data: an idle worker sleeps in epoll_wait, and
  // one steady input is then read about once per interval. What arrives meanwhile waits
  // in the socket buffer (8 MB: seconds at these rates), timestamped by the kernel.
  const int64_t until_ns = woke_ns + int64_t{coalesce_us_} * 1000;
  const int64_t now_ns = core::steadyNowNs();
  if (now_ns >= until_ns) {
    return;
  }
  const int64_t rest_ns = until_ns - now_ns;
  timespec ts{static_cast<time_t>(rest_ns / 1'000'000'000), static_cast<long>(rest_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {
  }
}

void UdpWorker::run(std::stop_token st) {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  std::stop_callback wake_on_stop(st, [this] { wake_.notify(); });
  while (!st.stop_requested()) {
    // The timeout is for nothing but a missed stop request; packets and commands wake us.
    int n = epoll_.wait(events, kMaxEvents, 1000);
    const int64_t woke_ns = coalesce_us_ > 0 ? core::steadyNowNs() : 0;
    int datagrams = 0;
    bool commands = false;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == 0) {
        wake_.consume();
        commands = true;
      }
    }
    if (commands) {
      commands_.drain();
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 != 0) {
        // Handlers removed by a command above were unwatched first, and epoll_ctl(DEL)
        // never reports them again; events gathered before the command are dropped here.
        if (commands && !stillWatched(events[i].data.u64)) {
          continue;
        }
        datagrams += reinterpret_cast<UdpHandler*>(events[i].data.u64)->onReadable();
      }
    }
    if (datagrams > 0 && coalesce_us_ > 0) {
      coalesce(woke_ns);
    }
  }
  commands_.drain();
}

}  // namespace srtgw::engine
