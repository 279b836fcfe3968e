#include "support/udp_peers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace srtgw::test {

std::string makeSequenceTs(size_t packets, uint32_t seed) {
  std::string out(packets * 188, '\0');
  uint32_t x = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < packets; ++i) {
    auto* p = reinterpret_cast<uint8_t*>(out.data() + i * 188);
    p[0] = 0x47;
    p[1] = 0x01;  // PID 0x100
    p[2] = 0x00;
    p[3] = static_cast<uint8_t>(0x10 | (i & 0x0f));  // payload only, continuity counter
    for (int b = 0; b < 8; ++b) {
      p[4 + b] = static_cast<uint8_t>((i >> (8 * b)) & 0xff);
    }
    for (int b = 12; b < 188; ++b) {
      x = x * 1103515245u + 12345u;
      p[b] = static_cast<uint8_t>(x >> 16);
    }
  }
  return out;
}

UdpSink::UdpSink(const char* host) {
  open(host, 0, false);
  thread_ = std::thread([this] { run(); });
}

UdpSink::UdpSink(const MulticastGroup& g) {
  open(g.group.c_str(), g.port, true);
  ip_mreq mreq{};
  inet_pton(AF_INET, g.group.c_str(), &mreq.imr_multiaddr);
  inet_pton(AF_INET, g.interface_addr.c_str(), &mreq.imr_interface);
  if (setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    ::close(fd_);
    throw std::runtime_error("UdpSink: joining " + g.group + " failed");
  }
  thread_ = std::thread([this] { run(); });
}

void UdpSink::open(const char* host, int port, bool reuse) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int buf = 16 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  // Arrival times from the kernel, so that this thread's own scheduling does not move them.
  int on = 1;
  setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  if (reuse) {
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host, &a.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    throw std::runtime_error("UdpSink bind failed");
  }
  socklen_t len = sizeof a;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

UdpSink::~UdpSink() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

void UdpSink::run() {
  char buf[65536];
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) {
      continue;
    }
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT);
    if (n > 0) {
      const int64_t steady_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count();
      int64_t at = steady_now;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          timespec ts{};
          std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
          timespec wall{};
          clock_gettime(CLOCK_REALTIME, &wall);
          const int64_t age = (static_cast<int64_t>(wall.tv_sec) - ts.tv_sec) * 1'000'000'000 + (wall.tv_nsec - ts.tv_nsec);
          if (age >= 0 && age < 1'000'000'000) {
            at = steady_now - age;
          }
        }
      }
      std::lock_guard lock(mu_);
      data_.append(buf, static_cast<size_t>(n));
      ++datagrams_;
      arrivals_ns_.push_back(at);
      sizes_.push_back(static_cast<size_t>(n));
    }
  }
}

size_t UdpSink::bytes() const {
  std::lock_guard lock(mu_);
  return data_.size();
}

size_t UdpSink::datagrams() const {
  std::lock_guard lock(mu_);
  return datagrams_;
}

std::vector<int64_t> UdpSink::arrivalTimesNs() const {
  std::lock_guard lock(mu_);
  return arrivals_ns_;
}

std::vector<size_t> UdpSink::datagramSizes() const {
  std::lock_guard lock(mu_);
  return sizes_;
}

std::string UdpSink::data() const {
  std::lock_guard lock(mu_);
  return data_;
}

UdpSource::UdpSource(std::string host, int port, std::string data, double mbps, size_t chunk) {
  thread_ = std::thread([=, this] {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    const double ns_per_byte = 8e9 / (mbps * 1e6);
    auto start = std::chrono::steady_clock::now();
    size_t sent = 0;
    send_ns_.reserve(data.size() / chunk + 1);
    while (sent < data.size() && !stop_) {
      size_t n = std::min(chunk, data.size() - sent);
      send_ns_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count());
      ::sendto(fd, data.data() + sent, n, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
      sent += n;
      auto due = start + std::chrono::nanoseconds(static_cast<int64_t>(sent * ns_per_byte));
      std::this_thread::sleep_until(due);  // pacing a sender, not waiting for an event
    }
    ::close(fd);
    done_ = true;
  });
}

UdpSource::~UdpSource() {
  stop_ = true;
  join();
}

void UdpSource::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

}  // namespace srtgw::test
