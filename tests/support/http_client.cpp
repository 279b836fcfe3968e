#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace srtgw::test {

HttpResult rawHttp(int port, const std::string& raw, int timeout_ms) {
  HttpResult out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return out;
  }
  size_t sent = 0;
  while (sent < raw.size()) {
    ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413/431) and close before reading it all
    sent += static_cast<size_t>(n);
  }
  std::string data;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t header_end = std::string::npos;
  size_t want = std::string::npos;
  char buf[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        // Parse the status line and headers.
        size_t line_end = data.find("\r\n");
        std::string status_line = data.substr(0, line_end);
        size_t sp = status_line.find(' ');
        out.status = sp == std::string::npos ? 0 : std::atoi(status_line.c_str() + sp + 1);
        size_t pos = line_end + 2;
        while (pos < header_end) {
          size_t e = data.find("\r\n", pos);
          std::string line = data.substr(pos, e - pos);
          size_t colon = line.find(':');
          if (colon != std::string::npos) {
            std::string k = line.substr(0, colon);
            for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string v = line.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            out.headers[k] = v;
          }
          pos = e + 2;
        }
        if (out.headers.count("content-length") != 0) {
          want = header_end + 4 + std::stoul(out.headers["content-length"]);
        }
      }
    }
    if (want != std::string::npos && data.size() >= want) break;
  }
  ::close(fd);
  if (header_end != std::string::npos) {
    out.body = data.substr(header_end + 4);
    if (want != std::string::npos) out.body.resize(want - header_end - 4);
  }
  return out;
}

HttpResult http(int port, const std::string& method, const std::string& path,
                const std::string& body, const std::string& content_type,
                const std::vector<std::string>& headers) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : headers) {
    req += h + "\r\n";
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Type: " + (content_type.empty() ? std::string("application/json") : content_type) +
           "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  return rawHttp(port, req);
}

}  // namespace srtgw::test
