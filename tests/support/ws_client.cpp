#include "support/ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace srtgw::test {

WsTestClient::WsTestClient(int port, const std::string& path, int rcvbuf) {
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
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos) {
    std::string one;
    if (!readExact(one, 1, deadline)) {
      return;
    }
    head += one;
  }
  status_ = std::atoi(head.c_str() + head.find(' ') + 1);
  upgraded_ = status_ == 101;
}

WsTestClient::~WsTestClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool WsTestClient::readExact(std::string& out, size_t n, std::chrono::steady_clock::time_point deadline) {
  out.clear();
  while (out.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char buf[4096];
    ssize_t got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got <= 0) {
      closed_ = true;
      return false;
    }
    out.append(buf, static_cast<size_t>(got));
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
  std::string message;  // fragments of a message so far (opcode 0 continues it)
  for (;;) {
    std::string h;
    if (!readExact(h, 2, deadline)) {
      return std::nullopt;
    }
    const bool fin = (static_cast<unsigned char>(h[0]) & 0x80) != 0;
    const int opcode = static_cast<unsigned char>(h[0]) & 0x0f;
    uint64_t len = static_cast<unsigned char>(h[1]) & 0x7f;
    std::string ext;
    if (len == 126) {
      if (!readExact(ext, 2, deadline)) return std::nullopt;
      len = (static_cast<uint64_t>(static_cast<unsigned char>(ext[0])) << 8) | static_cast<unsigned char>(ext[1]);
    } else if (len == 127) {
      if (!readExact(ext, 8, deadline)) return std::nullopt;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(ext[static_cast<size_t>(i)]);
    }
    std::string payload;
    if (len > 0 && !readExact(payload, len, deadline)) {
      return std::nullopt;
    }
    if (opcode == 0x8) {
      closed_ = true;
      return std::nullopt;
    }
    if (opcode == 0x1 || opcode == 0x0) {
      message += payload;
      if (fin) {
        return message;
      }
    }
    // Pings and other control frames: ignore.
  }
}

}  // namespace srtgw::test
