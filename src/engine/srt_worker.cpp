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
  constexpr int kMaxEvents = 64;
  srt::EpollEvent events[kMaxEvents];
  int64_t next_tick = core::steadyNowMs() + kTickMs;
  while (!st.stop_requested()) {
    int n = epoll_.wait(events, kMaxEvents, kTickMs);
    commands_.drain();
    for (int i = 0; i < n; ++i) {
      auto it = handlers_.find(events[i].sock);
      if (it != handlers_.end()) {
        it->second->onSrtEvent(events[i].sock, events[i].events);
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
