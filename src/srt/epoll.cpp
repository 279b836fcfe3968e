#include "srt/epoll.hpp"

#include <srt/srt.h>

#include <fmt/format.h>

namespace srtgw::srt {

static_assert(kEventIn == SRT_EPOLL_IN && kEventOut == SRT_EPOLL_OUT && kEventErr == SRT_EPOLL_ERR);
static_assert(sizeof(EpollEvent) == sizeof(SRT_EPOLL_EVENT));

Epoll::~Epoll() {
  if (id_ >= 0) {
    srt_epoll_release(id_);
  }
}

Epoll& Epoll::operator=(Epoll&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0) {
      srt_epoll_release(id_);
    }
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}

core::Result<Epoll> Epoll::create() {
  int id = srt_epoll_create();
  if (id < 0) {
    return core::makeError(core::Errc::kSrt,
                           fmt::format("srt_epoll_create: {}", srt_getlasterror_str()));
  }
  // A worker may have nothing to watch for a while; waiting must then just time out.
  srt_epoll_set(id, SRT_EPOLL_ENABLE_EMPTY);
  Epoll e;
  e.id_ = id;
  return e;
}

core::Result<void> Epoll::add(SocketId s, int events) {
  if (srt_epoll_add_usock(id_, s, &events) == SRT_ERROR) {
    return core::makeError(core::Errc::kSrt, fmt::format("epoll add: {}", srt_getlasterror_str()));
  }
  return core::ok();
}

core::Result<void> Epoll::update(SocketId s, int events) {
  if (srt_epoll_update_usock(id_, s, &events) == SRT_ERROR) {
    return core::makeError(core::Errc::kSrt,
                           fmt::format("epoll update: {}", srt_getlasterror_str()));
  }
  return core::ok();
}

void Epoll::remove(SocketId s) { srt_epoll_remove_usock(id_, s); }

int Epoll::wait(EpollEvent* events, int max, int64_t timeout_ms) {
  int n = srt_epoll_uwait(id_, reinterpret_cast<SRT_EPOLL_EVENT*>(events), max, timeout_ms);
  return n < 0 ? 0 : n;
}

}  // namespace srtgw::srt
