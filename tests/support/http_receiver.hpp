#pragma once
// A local HTTP endpoint for webhook tests: binds 127.0.0.1:0, records every request (method,
// target, headers, body) and answers each with the next scripted status (then a default).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <atomic>

namespace srtgw::test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int answered = 0;  // the status sent back

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpReceiver {
 public:
  explicit HttpReceiver(int default_status = 200);
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  /// Statuses for the next requests, in order; after them the default applies.
  void script(std::vector<int> statuses);
  std::vector<ReceivedRequest> requests() const;
  size_t count() const;
  /// Waits until at least `n` requests have been answered.
  bool waitFor(size_t n, std::chrono::milliseconds timeout) const;

 private:
  void run();
  void serve(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  const int default_status_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::deque<int> script_;                 // guarded by mu_
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
  std::thread thread_;
};

/// A TCP listener on 127.0.0.1:0 that never answers: connections complete (the kernel's
/// backlog, accepted only to count them) and requests are taken, but no answer ever comes —
/// a hung receiver.
class SilentTcpListener {
 public:
  SilentTcpListener();
  ~SilentTcpListener();
  SilentTcpListener(const SilentTcpListener&) = delete;
  SilentTcpListener& operator=(const SilentTcpListener&) = delete;
  int port() const { return port_; }
  /// Connections made to it so far. They are accepted and held open, never answered.
  size_t connectionsSoFar();

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> accepted_;
};

}  // namespace srtgw::test
