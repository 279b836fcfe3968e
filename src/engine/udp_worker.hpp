#pragma once
// A thread that waits in exactly one place, Linux epoll_wait, on UDP sockets and an eventfd
// that wakes it for commands. UDP inputs read with recvmmsg and fan out here.

#include <future>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/command_queue.hpp"
#include "core/named_thread.hpp"
#include "net/datagram_batch.hpp"
#include "net/event_fd.hpp"
#include "net/linux_epoll.hpp"

namespace srtgw::engine {

class UdpHandler {
 public:
  struct ReadResult {
    int datagrams = 0;
    bool more = false;  // stopped at its bound with data still waiting
    /// How long before the end of the read the newest datagram it found arrived, by the
    /// kernel's timestamp (-1: not known). The hold counts from that arrival.
    int64_t newest_age_ns = -1;
  };
  virtual ~UdpHandler() = default;
  /// Worker thread: the socket is readable.
  virtual ReadResult onReadable() = 0;
  /// Worker thread: how long to leave the socket unread after a read that found data.
  virtual int64_t readHoldNs() const = 0;
};

class UdpWorker {
 public:
  /// After a read that found datagrams, the worker leaves that socket unread for the
  /// handler's read hold, so that a busy input is read in batches, not one wake-up per
  /// datagram; other sockets and commands are served meanwhile. The hold counts from the
  /// arrival of the newest datagram the read found (from the wake-up when its age is not
  /// known): counted from the wake-up, a datagram that waited out one hold would start the
  /// next one late, and at rates near one datagram per hold every datagram would wait a
  /// little longer than the one before. SRT outputs stamp each datagram with its kernel arrival time, so the
  /// receiver plays them out with their original spacing and the hold costs no delay or
  /// jitter there (it is spent inside the SRT latency); UDP outputs send each batch as it
  /// is read. A hold of 0 reads at every arrival.
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
  struct Watched {
    int fd = -1;
    bool held = false;
  };
  struct Held {
    int64_t until_ns;
    uint64_t tag;
  };

  void run(std::stop_token st);
  void hold(uint64_t tag, Watched& w, int64_t until_ns);
  void releaseDue(int64_t now_ns);
  int64_t waitTimeoutNs(int64_t now_ns) const;

  std::string name_;
  net::LinuxEpoll epoll_;
  net::EventFd wake_;
  core::CommandQueue commands_;
  std::unique_ptr<net::DatagramBatch> batch_ = std::make_unique<net::DatagramBatch>();
  std::unordered_map<uint64_t, Watched> watched_;  // worker thread only; tag = handler
  std::vector<Held> held_;  // worker thread only; capacity kept >= watched_.size()
  core::NamedThread thread_;
};

}  // namespace srtgw::engine
