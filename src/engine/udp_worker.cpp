#include "engine/udp_worker.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/clock.hpp"

namespace srtgw::engine {

namespace {
// With nothing held the timeout is for nothing but a missed stop request; packets and
// commands wake the worker.
constexpr int64_t kIdleWaitNs = 1'000'000'000;

// When a read's hold starts: the newest datagram's arrival, or the wake-up when its age
// is unknown or implausible (a wall clock stepped between the kernel's stamp and now).
int64_t holdStartNs(const UdpHandler::ReadResult& r, int64_t woke_ns, int64_t hold_ns) {
  if (r.newest_age_ns < 0) {
    return woke_ns;
  }
  const int64_t now = core::steadyNowNs();
  const int64_t arrived = now - r.newest_age_ns;
  // Older than a whole hold before the wake-up (a stepped clock, or a worker that was
  // starved): the hold is over already, which is what counting from it would give too.
  return std::max(arrived, woke_ns - hold_ns);
}
}  // namespace

UdpWorker::UdpWorker(std::string name) : name_(std::move(name)) {
  if (!epoll_.valid() || !wake_.valid() || !epoll_.add(wake_.fd(), EPOLLIN, 0)) {
    throw std::runtime_error("cannot create the UDP worker's epoll");
  }
  thread_ = core::NamedThread(name_, [this](std::stop_token st) { run(st); });
}

UdpWorker::~UdpWorker() {
  // request_stop alone cannot interrupt epoll_wait: wake it too.
  post([] {});
  thread_.stopAndJoin();
}

bool UdpWorker::watch(int fd, UdpHandler* handler) {
  auto tag = reinterpret_cast<uint64_t>(handler);
  if (!epoll_.add(fd, EPOLLIN, tag)) {
    return false;
  }
  watched_[tag] = Watched{fd, false};
  // Holding a socket must never allocate on the packet path.
  held_.reserve(watched_.size());
  return true;
}

void UdpWorker::unwatch(int fd, UdpHandler* handler) {
  epoll_.remove(fd);
  const auto tag = reinterpret_cast<uint64_t>(handler);
  watched_.erase(tag);
  std::erase_if(held_, [tag](const Held& h) { return h.tag == tag; });
}

void UdpWorker::hold(uint64_t tag, Watched& w, int64_t until_ns) {
  // The socket stays registered but silent; what arrives meanwhile waits in its buffer
  // (8 MB: seconds at these rates), timestamped by the kernel.
  if (!epoll_.modify(w.fd, 0, tag)) {
    return;  // cannot silence it: it is simply read at its next arrival
  }
  w.held = true;
  held_.push_back(Held{until_ns, tag});
}

void UdpWorker::releaseDue(int64_t now_ns) {
  for (size_t i = 0; i < held_.size();) {
    if (held_[i].until_ns > now_ns) {
      ++i;
      continue;
    }
    auto it = watched_.find(held_[i].tag);
    if (it != watched_.end()) {
      // Level-triggered: a socket with data waiting reports at once.
      epoll_.modify(it->second.fd, EPOLLIN, held_[i].tag);
      it->second.held = false;
    }
    held_[i] = held_.back();
    held_.pop_back();
  }
}

int64_t UdpWorker::waitTimeoutNs(int64_t now_ns) const {
  int64_t timeout = kIdleWaitNs;
  for (const Held& h : held_) {
    timeout = std::min(timeout, std::max<int64_t>(h.until_ns - now_ns, 0));
  }
  return timeout;
}

void UdpWorker::run(std::stop_token st) {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  std::stop_callback wake_on_stop(st, [this] { wake_.notify(); });
  while (!st.stop_requested()) {
    const int64_t timeout_ns = held_.empty() ? kIdleWaitNs : waitTimeoutNs(core::steadyNowNs());
    const int n = epoll_.waitNs(events, kMaxEvents, timeout_ns);
    const int64_t woke_ns = core::steadyNowNs();
    if (!held_.empty()) {
      releaseDue(woke_ns);
    }
    bool commands = false;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == 0) {
        wake_.consume();
        commands = true;
      }
    }
    if (commands) {
      commands_.drain();
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == 0) {
        continue;
      }
      // Handlers removed by a command above were unwatched first, and epoll_ctl(DEL)
      // never reports them again; events gathered before the command are dropped here.
      auto it = watched_.find(tag);
      if (it == watched_.end()) {
        continue;
      }
      auto* handler = reinterpret_cast<UdpHandler*>(tag);
      const UdpHandler::ReadResult r = handler->onReadable();
      // A held socket reports only an error, which the read above cleared.
      if (r.datagrams == 0 || r.more || it->second.held) {
        continue;
      }
      if (const int64_t hold_ns = handler->readHoldNs(); hold_ns > 0) {
        hold(tag, it->second, holdStartNs(r, woke_ns, hold_ns) + hold_ns);
      }
    }
  }
  commands_.drain();
}

}  // namespace srtgw::engine
