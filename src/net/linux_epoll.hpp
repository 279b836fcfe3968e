#pragma once
// RAII for a Linux epoll instance (UDP sockets and eventfds; never SRT sockets).

#include <sys/epoll.h>

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
  void remove(int fd) { ::epoll_ctl(fd_.get(), EPOLL_CTL_DEL, fd, nullptr); }
  /// Owner thread.
  int wait(epoll_event* events, int max, int timeout_ms) {
    int n = ::epoll_wait(fd_.get(), events, max, timeout_ms);
    return n < 0 ? 0 : n;
  }

 private:
  Fd fd_;
};

}  // namespace srtgw::net
