#include "engine/udp_worker.hpp"

#include <stdexcept>

namespace srtgw::engine {

UdpWorker::UdpWorker(std::string name) : name_(std::move(name)) {
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

void UdpWorker::run(std::stop_token st) {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  std::stop_callback wake_on_stop(st, [this] { wake_.notify(); });
  while (!st.stop_requested()) {
    // The timeout is for nothing but a missed stop request; packets and commands wake us.
    int n = epoll_.wait(events, kMaxEvents, 1000);
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
        reinterpret_cast<UdpHandler*>(events[i].data.u64)->onReadable();
      }
    }
  }
  commands_.drain();
}

}  // namespace srtgw::engine
