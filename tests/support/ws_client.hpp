#pragma once
// A minimal WebSocket client for tests (RFC 6455 text frames only), written against raw
// sockets so a test can also be a slow client that never reads.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace srtgw::test {

class WsTestClient {
 public:
  /// Connects to 127.0.0.1:port and upgrades `path`. `rcvbuf` > 0 shrinks the socket's
  /// receive buffer first (a slow client). `headers` are extra header lines without CRLF
  /// (Authorization, Origin, Cookie).
  WsTestClient(int port, const std::string& path, int rcvbuf = 0, const std::vector<std::string>& headers = {});
  ~WsTestClient();
  bool connected() const { return fd_ >= 0 && upgraded_; }
  int status() const { return status_; }
  /// Sends one masked text frame.
  bool sendText(const std::string& text);
  /// The next text message, or nothing when `timeout` passes or the server closed.
  std::optional<std::string> next(std::chrono::milliseconds timeout);
  /// True once the server has closed the connection (read returned 0 or a close frame).
  bool closedByServer() const { return closed_; }

 private:
  bool fill(size_t n, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  int status_ = 0;
  bool upgraded_ = false;
  bool closed_ = false;
  std::string buffered_;  // received, not yet returned as a frame
  std::string partial_;   // fragments of a message so far (opcode 0 continues it)
};

}  // namespace srtgw::test
