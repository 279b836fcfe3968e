#include "support/ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace srtgw::test {

WsTestClient::WsTestClient(int port, const std::string& path, int rcvbuf, const std::vector<std::string>& headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (rcvbuf > 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  std::string req = "GET " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  for (const auto& h : headers) {
    req += h + "\r\n";
  }
  req += "\r\n";
  ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t end = std::string::npos;
  while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(buffered_.size() + 1, deadline)) {
      return;
    }
  }
  const std::string head = buffered_.substr(0, end + 4);
  buffered_.erase(0, end + 4);
  status_ = std::atoi(head.c_str() + head.find(' ') + 1);
  upgraded_ = status_ == 101;
}

WsTestClient::~WsTestClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

// Makes `buffered_` hold at least `n` bytes. Bytes stay buffered until a whole frame has
// arrived, so a timeout in the middle of a large frame never loses its start.
bool WsTestClient::fill(size_t n, std::chrono::steady_clock::time_point deadline) {
  while (buffered_.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char buf[65536];
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) {
      closed_ = true;
      return false;
    }
    buffered_.append(buf, static_cast<size_t>(got));
  }
  return true;
}

bool WsTestClient::sendText(const std::string& text) {
  std::string f;
  f.push_back(static_cast<char>(0x81));
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  if (text.size() < 126) {
    f.push_back(static_cast<char>(0x80 | text.size()));
  } else {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>((text.size() >> 8) & 0xff));
    f.push_back(static_cast<char>(text.size() & 0xff));
  }
  f.append(reinterpret_cast<const char*>(mask), 4);
  for (size_t i = 0; i < text.size(); ++i) {
    f.push_back(static_cast<char>(text[i] ^ static_cast<char>(mask[i % 4])));
  }
  return ::send(fd_, f.data(), f.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(f.size());
}

std::optional<std::string> WsTestClient::next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!fill(2, deadline)) {
      return std::nullopt;
    }
    auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(buffered_[i])); };
    const bool fin = (byte(0) & 0x80) != 0;
    const int opcode = static_cast<int>(byte(0) & 0x0f);
    uint64_t len = byte(1) & 0x7f;
    size_t header = 2;
    if (len == 126) {
      header = 4;
      if (!fill(header, deadline)) return std::nullopt;
      len = (byte(2) << 8) | byte(3);
    } else if (len == 127) {
      header = 10;
      if (!fill(header, deadline)) return std::nullopt;
      len = 0;
      for (size_t i = 2; i < 10; ++i) len = (len << 8) | byte(i);
    }
    if (!fill(header + len, deadline)) {
      return std::nullopt;  // the frame stays buffered for the next call
    }
    std::string payload = buffered_.substr(header, len);
    buffered_.erase(0, header + len);
    if (opcode == 0x8) {
      closed_ = true;
      return std::nullopt;
    }
    if (opcode == 0x1 || opcode == 0x0) {
      partial_ += payload;
      if (fin) {
        std::string message;
        message.swap(partial_);
        return message;
      }
    }
    // Pings and other control frames: ignore.
  }
}

}  // namespace srtgw::test
