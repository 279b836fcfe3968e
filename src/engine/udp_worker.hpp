#pragma once
// A thread that waits in exactly one place, Linux epoll_wait, on UDP sockets and an eventfd
// that wakes it for commands. UDP inputs read with recvmmsg and fan out here.

#include <future>
#include <string>
#include <unordered_set>

#include "core/command_queue.hpp"
#include "core/named_thread.hpp"
#include "net/event_fd.hpp"
#include "net/linux_epoll.hpp"
#include "net/datagram_batch.hpp"
#include <memory>

namespace srtgw::engine {

class UdpHandler {
 public:
  virtual ~UdpHandler() = default;
  /// Worker thread: the socket is readable.
  virtual void onReadable() = 0;
};

class UdpWorker {
 public:
  explicit UdpWorker(std::string name);
  ~UdpWorker();
  UdpWorker(const UdpWorker&) = delete;
  UdpWorker& operator=(const UdpWorker&) = delete;

  /// Any thread: runs `fn` on the worker right away (the eventfd wakes it).
  void post(core::CommandQueue::Command fn) {
    commands_.push(std::move(fn));
    wake_.notify();
  }

  /// Any thread but the worker.
  template <typename Fn>
  auto call(Fn fn) -> decltype(fn()) {
    using R = decltype(fn());
    std::promise<R> done;
    auto fut = done.get_future();
    post([&] {
      if constexpr (std::is_void_v<R>) {
        fn();
        done.set_value();
      } else {
        done.set_value(fn());
      }
    });
    return fut.get();
  }

  /// Worker thread only: the one batch buffer every input of this worker reads into.
  net::DatagramBatch& batch() { return *batch_; }

  // Worker thread only.
  bool watch(int fd, UdpHandler* handler);
  void unwatch(int fd, UdpHandler* handler);

 private:
  void run(std::stop_token st);
  bool stillWatched(uint64_t tag) const { return watched_.count(tag) != 0; }

  std::string name_;
  net::LinuxEpoll epoll_;
  net::EventFd wake_;
  core::CommandQueue commands_;
  std::unique_ptr<net::DatagramBatch> batch_ = std::make_unique<net::DatagramBatch>();
  std::unordered_set<uint64_t> watched_;  // worker thread only
  core::NamedThread thread_;
};

}  // namespace srtgw::engine
