#include "support/http_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

#include "support/process.hpp"

namespace srtgw::test {
namespace {

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// Reads until `pred(data)` holds, the peer closes, or 5 s pass.
template <typename Pred>
bool readUntil(int fd, std::string& data, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buf[16384];
  while (!pred(data)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

HttpReceiver::HttpReceiver(int default_status) : default_status_(default_status) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::listen(listen_fd_, 64) == 0) {
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  thread_ = std::thread([this] { run(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void HttpReceiver::script(std::vector<int> statuses) {
  std::lock_guard lock(mu_);
  script_.assign(statuses.begin(), statuses.end());
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t HttpReceiver::count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

bool HttpReceiver::waitFor(size_t n, std::chrono::milliseconds timeout) const {
  return waitUntil([&] { return count() >= n; }, timeout);
}

void HttpReceiver::run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serve(fd);
    ::close(fd);
  }
}

void HttpReceiver::serve(int fd) {
  std::string data;
  if (!readUntil(fd, data,
                 [](const std::string& d) { return d.find("\r\n\r\n") != std::string::npos; })) {
    return;
  }
  const size_t header_end = data.find("\r\n\r\n");
  ReceivedRequest r;
  size_t line_end = data.find("\r\n");
  const std::string request_line = data.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.find(' ', sp1 + 1);
  r.method = request_line.substr(0, sp1);
  r.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (size_t pos = line_end + 2; pos < header_end;) {
    const size_t e = data.find("\r\n", pos);
    const std::string line = data.substr(pos, e - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string k = line.substr(0, colon);
      for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      r.headers[k] = v;
    }
    pos = e + 2;
  }
  const size_t length =
      r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
  if (!readUntil(fd, data,
                 [&](const std::string& d) { return d.size() >= header_end + 4 + length; })) {
    return;
  }
  r.body = data.substr(header_end + 4, length);
  {
    std::lock_guard lock(mu_);
    r.answered = default_status_;
    if (!script_.empty()) {
      r.answered = script_.front();
      script_.pop_front();
    }
  }
  const std::string answer = "HTTP/1.1 " + std::to_string(r.answered) + " " + reason(r.answered) +
                             "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
  // Recorded after the answer, so a test that saw request n also knows it was answered.
  std::lock_guard lock(mu_);
  requests_.push_back(std::move(r));
}

SilentTcpListener::SilentTcpListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 16) == 0) {
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
}

SilentTcpListener::~SilentTcpListener() {
  for (int fd : accepted_) ::close(fd);
  ::close(fd_);
}

size_t SilentTcpListener::connectionsSoFar() {
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) break;
    accepted_.push_back(fd);
  }
  return accepted_.size();
}

}  // namespace srtgw::test
