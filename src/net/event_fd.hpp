#pragma once
// An eventfd that wakes a thread blocked in Linux epoll_wait.

#include <sys/eventfd.h>

#include <cstdint>

#include "net/fd.hpp"

namespace srtgw::net {

class EventFd {
 public:
  EventFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  int fd() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }
  /// Any thread.
  void notify() {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd_.get(), &one, sizeof one);
  }
  /// Owner thread, after epoll reported it readable.
  void consume() {
    uint64_t v = 0;
    [[maybe_unused]] auto n = ::read(fd_.get(), &v, sizeof v);
  }

 private:
  Fd fd_;
};

}  // namespace srtgw::net
