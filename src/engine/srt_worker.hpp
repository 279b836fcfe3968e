#pragma once
// A thread that waits in exactly one place, srt_epoll_uwait, on SRT sockets only, and runs
// the handlers of the sockets it watches. Inputs read and fan out here; SRT outputs connect,
// accept and notice departures here. Commands from the control plane are drained at each
// wake-up; an idle worker wakes every kTickMs for housekeeping (reconnect timers, commands):
// libsrt offers no way to wake an epoll wait from another thread.

#include <future>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/command_queue.hpp"
#include "core/named_thread.hpp"
#include "srt/epoll.hpp"
#include "net/datagram_batch.hpp"
#include <memory>

namespace srtgw::engine {

class SrtHandler {
 public:
  virtual ~SrtHandler() = default;
  /// Worker thread: `events` is a mask of srt::kEventIn/kEventOut/kEventErr.
  virtual void onSrtEvent(srt::SocketId sock, int events) = 0;
  /// Worker thread, at least every kTickMs.
  virtual void onTick(int64_t /*now_ms*/) {}
};

class SrtWorker {
 public:
  static constexpr int kTickMs = 20;

  explicit SrtWorker(std::string name);
  ~SrtWorker();
  SrtWorker(const SrtWorker&) = delete;
  SrtWorker& operator=(const SrtWorker&) = delete;

  /// Any thread: runs `fn` on the worker at its next wake-up.
  void post(core::CommandQueue::Command fn) { commands_.push(std::move(fn)); }

  /// Any thread but the worker: runs `fn` on the worker and waits for its result.
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
  bool watch(srt::SocketId s, int events, SrtHandler* handler);
  void rewatch(srt::SocketId s, int events);
  void unwatch(srt::SocketId s);
  void addTicker(SrtHandler* h);
  void removeTicker(SrtHandler* h);

  const std::string& name() const { return name_; }

 private:
  void run(std::stop_token st);

  std::string name_;
  srt::Epoll epoll_;
  core::CommandQueue commands_;
  std::unique_ptr<net::DatagramBatch> batch_ = std::make_unique<net::DatagramBatch>();
  std::unordered_map<srt::SocketId, SrtHandler*> handlers_;  // worker thread only
  std::vector<SrtHandler*> tickers_;                          // worker thread only
  // Room for every watched socket's event: libsrt reports ready sockets in the order they
  // became ready and stops at the array's end, so an array smaller than the ready set
  // would leave the rest for the next round (worker thread only; grown between waits).
  std::vector<srt::EpollEvent> events_;
  core::NamedThread thread_;  // last: starts after everything above exists
};

}  // namespace srtgw::engine
