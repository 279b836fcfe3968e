#pragma once
// RAII for a Linux epoll instance (UDP sockets and eventfds; never SRT sockets).

#include <sys/epoll.h>
#include <time.h>

#include <cstdint>

#include "core/result.hpp"
#include "net/fd.hpp"

namespace srtgw::net {

class LinuxEpoll {
 public:
  LinuxEpoll() : fd_(::epoll_create1(EPOLL_CLOEXEC)) {}
  bool valid() const { return fd_.valid(); }

  /// Any thread (epoll_ctl is thread-safe). `tag` comes back in the event's data.u64.
  bool add(int fd, uint32_t events, uint64_t tag) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    return ::epoll_ctl(fd_.get(), EPOLL_CTL_ADD, fd, &ev) == 0;
  }
  /// Any thread. `events` 0 keeps the fd registered but silent (errors still report).
  bool modify(int fd, uint32_t events, uint64_t tag) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    return ::epoll_ctl(fd_.get(), EPOLL_CTL_MOD, fd, &ev) == 0;
  }
  void remove(int fd) { ::epoll_ctl(fd_.get(), EPOLL_CTL_DEL, fd, nullptr); }
  /// Owner thread.
  int wait(epoll_event* events, int max, int timeout_ms) {
    int n = ::epoll_wait(fd_.get(), events, max, timeout_ms);
    return n < 0 ? 0 : n;
  }
  /// Owner thread: the same with a nanosecond timeout (epoll_pwait2).
  int waitNs(epoll_event* events, int max, int64_t timeout_ns) {
    const timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
                      static_cast<long>(timeout_ns % 1'000'000'000)};
    int n = ::epoll_pwait2(fd_.get(), events, max, &ts, nullptr);
    return n < 0 ? 0 : n;
  }

 private:
  Fd fd_;
};

}  // namespace srtgw::net
