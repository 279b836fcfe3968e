#include "support/udp_peers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
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
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int buf = 16 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, host, &a.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("UdpSink bind failed");
  }
  socklen_t len = sizeof a;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { run(); });
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
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      const auto at = std::chrono::steady_clock::now().time_since_epoch();
      std::lock_guard lock(mu_);
      data_.append(buf, static_cast<size_t>(n));
      ++datagrams_;
      arrivals_ns_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(at).count());
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
    while (sent < data.size() && !stop_) {
      size_t n = std::min(chunk, data.size() - sent);
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
