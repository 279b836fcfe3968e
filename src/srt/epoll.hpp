#pragma once
// RAII for a libsrt epoll: SRT sockets only. Never add a system socket here: libsrt checks
// those only every 10 ms (Haivision/srt#2303).

#include <cstdint>

#include "core/result.hpp"
#include "srt/socket.hpp"

namespace srtgw::srt {

inline constexpr int kEventIn = 0x1;   // SRT_EPOLL_IN
inline constexpr int kEventOut = 0x4;  // SRT_EPOLL_OUT
inline constexpr int kEventErr = 0x8;  // SRT_EPOLL_ERR

struct EpollEvent {
  SocketId sock;
  int events;
};

class Epoll {
 public:
  Epoll() = default;
  ~Epoll();
  Epoll(Epoll&& o) noexcept : id_(o.id_) { o.id_ = -1; }
  Epoll& operator=(Epoll&& o) noexcept;
  Epoll(const Epoll&) = delete;
  Epoll& operator=(const Epoll&) = delete;

  static core::Result<Epoll> create();

  /// Any thread (libsrt's epoll calls are thread-safe).
  core::Result<void> add(SocketId s, int events);
  core::Result<void> update(SocketId s, int events);
  void remove(SocketId s);
  /// Owner thread: waits up to timeout_ms; returns the number of events (0 on timeout).
  int wait(EpollEvent* events, int max, int64_t timeout_ms);

 private:
  int id_ = -1;
};

}  // namespace srtgw::srt
