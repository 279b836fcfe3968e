#include "engine/srt_worker.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/log.hpp"

namespace srtgw::engine {

SrtWorker::SrtWorker(std::string name) : name_(std::move(name)) {
  auto e = srt::Epoll::create();
  if (!e) {
    throw std::runtime_error(e.error().message);
  }
  epoll_ = std::move(*e);
  thread_ = core::NamedThread(name_, [this](std::stop_token st) { run(st); });
}

SrtWorker::~SrtWorker() { thread_.stopAndJoin(); }

bool SrtWorker::watch(srt::SocketId s, int events, SrtHandler* handler) {
  handlers_[s] = handler;
  if (!epoll_.add(s, events)) {
    handlers_.erase(s);
    return false;
  }
  return true;
}

void SrtWorker::rewatch(srt::SocketId s, int events) { (void)epoll_.update(s, events); }

void SrtWorker::unwatch(srt::SocketId s) {
  epoll_.remove(s);
  handlers_.erase(s);
}

void SrtWorker::addTicker(SrtHandler* h) { tickers_.push_back(h); }

void SrtWorker::removeTicker(SrtHandler* h) {
  tickers_.erase(std::remove(tickers_.begin(), tickers_.end(), h), tickers_.end());
}

void SrtWorker::run(std::stop_token st) {
  constexpr size_t kMinEvents = 64;
  int64_t next_tick = core::steadyNowMs() + kTickMs;
  while (!st.stop_requested()) {
    // Grown only when sockets were added (never per packet), and never while `events_` is
    // being walked: a handler may watch new sockets.
    if (events_.size() < std::max(kMinEvents, handlers_.size())) {
      events_.resize(std::max(kMinEvents, handlers_.size() * 2));
    }
    const int capacity = static_cast<int>(events_.size());
    // libsrt returns capacity + 1 when more sockets were ready than reported.
    const int n = std::min(epoll_.wait(events_.data(), capacity, kTickMs), capacity);
    commands_.drain();
    for (int i = 0; i < n; ++i) {
      const auto ev = events_[static_cast<size_t>(i)];
      auto it = handlers_.find(ev.sock);
      if (it != handlers_.end()) {
        it->second->onSrtEvent(ev.sock, ev.events);
      }
    }
    int64_t now = core::steadyNowMs();
    if (now >= next_tick) {
      next_tick = now + kTickMs;
      // Copy: a ticker may remove itself.
      auto tickers = tickers_;
      for (auto* t : tickers) {
        t->onTick(now);
      }
    }
  }
  commands_.drain();
}

}  // namespace srtgw::engine
