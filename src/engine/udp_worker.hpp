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
  /// Worker thread: the socket is readable. Returns how many datagrams it read.
  virtual int onReadable() = 0;
};

class UdpWorker {
 public:
  /// `coalesce_us`: after a wake-up that found datagrams, the worker lets this much time
  /// pass (from the wake-up) before it waits for the next one, so that a busy input is
  /// read in batches. SRT outputs stamp each datagram with its kernel arrival time, so the
  /// receiver plays them out with their original spacing and the wait costs no delay or
  /// jitter there (it is spent inside the SRT latency); UDP outputs send the batch as it
  /// is read. Commands wait at most this long too. 0 wakes for every arrival.
  UdpWorker(std::string name, int coalesce_us);
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
  void coalesce(int64_t woke_ns) const;
  bool stillWatched(uint64_t tag) const { return watched_.count(tag) != 0; }

  std::string name_;
  int coalesce_us_;
  net::LinuxEpoll epoll_;
  net::EventFd wake_;
  core::CommandQueue commands_;
  std::unique_ptr<net::DatagramBatch> batch_ = std::make_unique<net::DatagramBatch>();
  std::unordered_set<uint64_t> watched_;  // worker thread only
  core::NamedThread thread_;
};

}  // namespace srtgw::engine
