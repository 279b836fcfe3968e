#include "relay.hpp"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <fmt/format.h>
#include <array>
#include <cerrno>
#include <cstring>

#include "core/clock.hpp"
#include "net/address.hpp"

namespace srtgw::impair {
namespace {

using core::Errc;
using core::makeError;

constexpr uint64_t kListenTag = 0;
constexpr uint64_t kTimerTag = 1;
constexpr uint64_t kReportTag = 2;
constexpr uint64_t kWakeTag = 3;
constexpr uint64_t kStopTag = 4;
constexpr uint64_t kClientTagBase = 16;
// Reads per readiness event before looking at the other sockets and the timer again.
constexpr int kMaxBatchesPerEvent = 16;
constexpr int64_t kIdleCheckNs = 1'000'000'000;
constexpr uint64_t kUpStream = 1;
constexpr uint64_t kDownStream = 2;

core::Error sysError(const std::string& what) {
  int e = errno;
  if (e == EADDRINUSE) {
    return makeError(Errc::kAddressInUse, fmt::format("{}: address in use", what));
  }
  return makeError(Errc::kIo, fmt::format("{}: {}", what, std::strerror(e)));
}

socklen_t lengthOf(const sockaddr_storage& a) {
  return a.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

// As root the FORCE variants pass net.core.{r,w}mem_max, which is what keeps a default
// host from dropping bursts before the relay sees them.
void setBuffers(int fd, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  }
}

// The bytes that tell two client addresses apart (family, port, address).
std::string addressKey(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
    std::string key(reinterpret_cast<const char*>(&in6.sin6_port), sizeof in6.sin6_port);
    key.append(reinterpret_cast<const char*>(&in6.sin6_addr), sizeof in6.sin6_addr);
    return key;
  }
  const auto& in4 = reinterpret_cast<const sockaddr_in&>(a);
  std::string key(reinterpret_cast<const char*>(&in4.sin_port), sizeof in4.sin_port);
  key.append(reinterpret_cast<const char*>(&in4.sin_addr), sizeof in4.sin_addr);
  return key;
}

bool sameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) {
    return false;
  }
  return std::memcmp(&a, &b, lengthOf(a)) == 0;
}

void setTimer(int fd, int64_t due_ns) {
  itimerspec spec{};
  spec.it_value.tv_sec = due_ns / 1'000'000'000;
  spec.it_value.tv_nsec = due_ns % 1'000'000'000;
  timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void consumeTimer(int fd) {
  uint64_t expirations = 0;
  [[maybe_unused]] auto n = ::read(fd, &expirations, sizeof expirations);
}

}  // namespace

struct Relay::ReceiveBatch {
  static constexpr int kCapacity = 64;
  std::array<std::array<uint8_t, SendSchedule::kSlotSize>, kCapacity> data{};
  std::array<sockaddr_storage, kCapacity> names{};
  std::array<iovec, kCapacity> iov{};
  std::array<mmsghdr, kCapacity> headers{};

  // Resets the headers before each recvmmsg; with_names for the unconnected listen socket.
  mmsghdr* prepare(bool with_names) {
    for (int i = 0; i < kCapacity; ++i) {
      auto k = static_cast<size_t>(i);
      iov[k] = {data[k].data(), data[k].size()};
      auto& h = headers[k].msg_hdr;
      h = {};
      h.msg_iov = &iov[k];
      h.msg_iovlen = 1;
      if (with_names) {
        h.msg_name = &names[k];
        h.msg_namelen = sizeof names[k];
      }
      headers[k].msg_len = 0;
    }
    return headers.data();
  }
};

struct Relay::SendBatch {
  static constexpr int kCapacity = 64;
  std::array<ScheduledDatagram, kCapacity> sent{};
  std::array<iovec, kCapacity> iov{};
  std::array<mmsghdr, kCapacity> headers{};
};

bool isLoopback(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto& in4 = reinterpret_cast<const sockaddr_in&>(addr);
    return (ntohl(in4.sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    return IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr);
  }
  return false;
}

Relay::Relay(const RelayConfig& cfg)
    : cfg_(cfg),
      up_(cfg.up, cfg.seed, kUpStream),
      down_(cfg.down, cfg.seed, kDownStream),
      schedule_(cfg.max_pending),
      batch_(std::make_unique<ReceiveBatch>()),
      send_batch_(std::make_unique<SendBatch>()) {}

Relay::~Relay() = default;

core::Result<std::unique_ptr<Relay>> Relay::open(const RelayConfig& cfg) {
  if (!isLoopback(cfg.listen)) {
    return makeError(
        Errc::kInvalidArgument,
        fmt::format("--listen {} is not a loopback address", net::formatAddress(cfg.listen)),
        "listen");
  }
  if (!isLoopback(cfg.forward) || net::portOf(cfg.forward) == 0) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("--forward {} is not a loopback address with a port",
                                 net::formatAddress(cfg.forward)),
                     "forward");
  }
  std::unique_ptr<Relay> relay(new Relay(cfg));
  if (auto r = relay->init(); !r) {
    return r.error();
  }
  return relay;
}

core::Result<void> Relay::init() {
  if (!epoll_.valid() || !wake_.valid()) {
    return sysError("epoll/eventfd");
  }
  listen_ = net::Fd(::socket(cfg_.listen.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listen_.valid()) {
    return sysError("socket");
  }
  setBuffers(listen_.get(), cfg_.socket_buffer_bytes);
  if (::bind(listen_.get(), reinterpret_cast<const sockaddr*>(&cfg_.listen),
             lengthOf(cfg_.listen)) != 0) {
    return sysError(fmt::format("bind {}", net::formatAddress(cfg_.listen)));
  }
  socklen_t len = sizeof listen_address_;
  getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&listen_address_), &len);

  timer_ = net::Fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer_.valid()) {
    return sysError("timerfd_create");
  }
  epoll_.add(listen_.get(), EPOLLIN, kListenTag);
  epoll_.add(timer_.get(), EPOLLIN, kTimerTag);
  epoll_.add(wake_.fd(), EPOLLIN, kWakeTag);
  if (cfg_.report_interval_ns > 0) {
    report_timer_ = net::Fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!report_timer_.valid()) {
      return sysError("timerfd_create");
    }
    epoll_.add(report_timer_.get(), EPOLLIN, kReportTag);
  }
  return core::ok();
}

void Relay::run(int stop_fd, const ReportFn& report) {
  // Scheduled sends are timed to the microsecond, not to the default 50 us timer slack.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  started_ns_ = core::steadyNowNs();
  next_idle_check_ns_ = started_ns_ + kIdleCheckNs;
  if (stop_fd >= 0) {
    epoll_.add(stop_fd, EPOLLIN, kStopTag);
  }
  if (report_timer_.valid()) {
    itimerspec spec{};
    spec.it_interval.tv_sec = cfg_.report_interval_ns / 1'000'000'000;
    spec.it_interval.tv_nsec = cfg_.report_interval_ns % 1'000'000'000;
    spec.it_value = spec.it_interval;
    timerfd_settime(report_timer_.get(), 0, &spec, nullptr);
  }

  std::array<epoll_event, 64> events{};
  bool running = true;
  while (running) {
    const int n = epoll_.wait(events.data(), static_cast<int>(events.size()), -1);
    const int64_t now = core::steadyNowNs();
    bool report_due = false;
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[static_cast<size_t>(i)].data.u64;
      if (tag == kListenTag) {
        receiveFromClients(now);
      } else if (tag == kTimerTag) {
        consumeTimer(timer_.get());
        armed_due_ns_ = -1;
      } else if (tag == kReportTag) {
        consumeTimer(report_timer_.get());
        report_due = true;
      } else if (tag == kWakeTag || tag == kStopTag) {
        running = false;
      } else if (auto it = clients_.find(static_cast<uint32_t>(tag - kClientTagBase));
                 it != clients_.end()) {
        receiveFromUpstream(*it->second, now);
      }
    }
    const int64_t after = core::steadyNowNs();
    sendDue(after);
    armTimer();
    if (after >= next_idle_check_ns_) {
      closeIdleClients(after);
      next_idle_check_ns_ = after + kIdleCheckNs;
    }
    RelayStats stats = collect(after);
    if (report_due && report) {
      report(stats);
    }
    std::lock_guard lock(snapshot_mu_);
    snapshot_ = stats;
  }
  if (stop_fd >= 0) {
    epoll_.remove(stop_fd);
  }
}

RelayStats Relay::snapshot() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

RelayStats Relay::collect(int64_t now_ns) const {
  RelayStats s;
  s.up = up_.stats();
  s.down = down_.stats();
  s.clients = clients_.size();
  s.clients_refused = clients_refused_;
  s.pending = schedule_.size();
  s.elapsed_ns = now_ns - started_ns_;
  return s;
}

void Relay::receiveFromClients(int64_t now_ns) {
  for (int round = 0; round < kMaxBatchesPerEvent; ++round) {
    mmsghdr* headers = batch_->prepare(true);
    const int n =
        ::recvmmsg(listen_.get(), headers, ReceiveBatch::kCapacity, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        continue;  // a queued ICMP error: it is consumed, the next read gets data
      }
      return;
    }
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      const auto& h = headers[k].msg_hdr;
      Client* client = findOrAddClient(batch_->names[k], h.msg_namelen, now_ns);
      if (client == nullptr) {
        continue;
      }
      accept(Direction::kUp, client->id, batch_->data[k].data(), headers[k].msg_len,
             (h.msg_flags & MSG_TRUNC) != 0, now_ns);
    }
    if (n < ReceiveBatch::kCapacity) {
      return;
    }
  }
}

void Relay::receiveFromUpstream(Client& client, int64_t now_ns) {
  client.last_active_ns = now_ns;
  for (int round = 0; round < kMaxBatchesPerEvent; ++round) {
    mmsghdr* headers = batch_->prepare(false);
    const int n =
        ::recvmmsg(client.upstream.get(), headers, ReceiveBatch::kCapacity, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        continue;  // ECONNREFUSED while --forward had no listener: consumed, read on
      }
      return;
    }
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      accept(Direction::kDown, client.id, batch_->data[k].data(), headers[k].msg_len,
             (headers[k].msg_hdr.msg_flags & MSG_TRUNC) != 0, now_ns);
    }
    if (n < ReceiveBatch::kCapacity) {
      return;
    }
  }
}

void Relay::accept(Direction direction, uint32_t client, const uint8_t* data, size_t length,
                   bool truncated, int64_t now_ns) {
  Impairer& imp = impairer(direction);
  if (truncated) {
    imp.noteOversize();
    return;
  }
  const Decision d = imp.decide(now_ns, length);
  if (d.fate != Fate::kForward) {
    return;
  }
  if (!schedule_.push(d.due_ns, data, length, d.index, client, direction, false)) {
    imp.noteDropped();
    return;
  }
  if (d.duplicate && !schedule_.push(d.due_ns, data, length, d.index, client, direction, true)) {
    imp.noteDropped();
  }
}

Relay::Client* Relay::findOrAddClient(const sockaddr_storage& from, socklen_t from_len,
                                      int64_t now_ns) {
  if (last_client_ != nullptr && sameAddress(last_client_->address, from)) {
    last_client_->last_active_ns = now_ns;
    return last_client_;
  }
  const std::string key = addressKey(from);
  if (auto it = client_ids_.find(key); it != client_ids_.end()) {
    last_client_ = clients_.at(it->second).get();
    last_client_->last_active_ns = now_ns;
    return last_client_;
  }
  if (clients_.size() >= cfg_.max_clients || !isLoopback(from)) {
    ++clients_refused_;
    return nullptr;
  }
  auto client = std::make_unique<Client>();
  client->id = next_client_id_++;
  client->address = from;
  client->address_len = from_len;
  client->last_active_ns = now_ns;
  client->upstream =
      net::Fd(::socket(cfg_.forward.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!client->upstream.valid()) {
    ++clients_refused_;
    return nullptr;
  }
  setBuffers(client->upstream.get(), cfg_.socket_buffer_bytes);
  // Connected: the kernel then only hands us datagrams from --forward.
  if (::connect(client->upstream.get(), reinterpret_cast<const sockaddr*>(&cfg_.forward),
                lengthOf(cfg_.forward)) != 0 ||
      !epoll_.add(client->upstream.get(), EPOLLIN, kClientTagBase + client->id)) {
    ++clients_refused_;
    return nullptr;
  }
  last_client_ = client.get();
  client_ids_.emplace(key, client->id);
  clients_.emplace(client->id, std::move(client));
  return last_client_;
}

void Relay::sendDue(int64_t now_ns) {
  // Due datagrams go out in runs that share a socket, one sendmmsg per run. A popped slot
  // keeps its bytes until the next push, and nothing is pushed until this returns.
  auto& out = *send_batch_;
  while (!schedule_.empty() && schedule_.nextDue() <= now_ns) {
    int fd = -1;
    int count = 0;
    while (count < SendBatch::kCapacity && !schedule_.empty() && schedule_.nextDue() <= now_ns) {
      const ScheduledDatagram& d = schedule_.top();
      auto it = clients_.find(d.client);
      if (it == clients_.end()) {
        impairer(d.direction).noteDropped();  // its client went idle and was closed
        schedule_.pop();
        continue;
      }
      Client& c = *it->second;
      const int target = d.direction == Direction::kUp ? c.upstream.get() : listen_.get();
      if (count > 0 && target != fd) {
        break;
      }
      fd = target;
      const auto k = static_cast<size_t>(count++);
      out.sent[k] = d;
      out.iov[k] = {const_cast<uint8_t*>(schedule_.data(d)), d.length};
      auto& h = out.headers[k].msg_hdr;
      h = {};
      h.msg_iov = &out.iov[k];
      h.msg_iovlen = 1;
      if (d.direction == Direction::kDown) {
        h.msg_name = &c.address;
        h.msg_namelen = c.address_len;
      }
      schedule_.pop();
    }
    int done = 0;
    while (done < count) {
      const int n = ::sendmmsg(fd, out.headers.data() + done, static_cast<unsigned>(count - done),
                               MSG_DONTWAIT);
      if (n > 0) {
        for (int i = done; i < done + n; ++i) {
          const ScheduledDatagram& d = out.sent[static_cast<size_t>(i)];
          impairer(d.direction).noteSent(d.index, d.copy);
        }
        done += n;
        continue;
      }
      // A full buffer or an ICMP-driven error (ECONNREFUSED) costs this datagram only.
      impairer(out.sent[static_cast<size_t>(done)].direction).noteDropped();
      ++done;
    }
  }
}

void Relay::armTimer() {
  if (schedule_.empty()) {
    return;  // a timer left armed only causes one spurious wake-up
  }
  const int64_t due = schedule_.nextDue();
  if (due != armed_due_ns_) {
    setTimer(timer_.get(), due);
    armed_due_ns_ = due;
  }
}

void Relay::closeIdleClients(int64_t now_ns) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    Client& c = *it->second;
    if (now_ns - c.last_active_ns < cfg_.client_idle_ns) {
      ++it;
      continue;
    }
    epoll_.remove(c.upstream.get());
    client_ids_.erase(addressKey(c.address));
    if (last_client_ == &c) {
      last_client_ = nullptr;
    }
    it = clients_.erase(it);
  }
}

}  // namespace srtgw::impair
