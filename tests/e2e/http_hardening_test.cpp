// The HTTP server under hostile clients: oversized headers, slow clients holding connections
// open, and paths that try to leave the console's directory.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "support/process.hpp"
#include "support/serve_process.hpp"

namespace srtgw::test {
namespace {

using namespace std::chrono_literals;

// A TCP connection that sends a partial request and then nothing (a "slowloris" client).
class SlowClient {
 public:
  explicit SlowClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    const char partial[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    connected_ = connected_ && ::send(fd_, partial, sizeof partial - 1, MSG_NOSIGNAL) > 0;
  }
  ~SlowClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  // True once the server has closed the connection (read gives EOF or an error).
  bool closedByServer() {
    while (!closed_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return false;
      char b[512];
      closed_ = ::recv(fd_, b, sizeof b, MSG_DONTWAIT) <= 0;  // data (an error answer) is read past
    }
    return true;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

TEST(HttpHardening, OversizedHeadersGet431AndOthersAreServed) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  auto big = rawHttp(gw.port(), "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 << 10, 'h') +
                                    "\r\n\r\n");
  EXPECT_EQ(big.status, 431);
  EXPECT_EQ(big.headers["content-type"], "application/problem+json");
  EXPECT_EQ(gw.get("/api/v1/status").status, 200);
}

TEST(HttpHardening, SlowClientsTimeOutAndDoNotHoldUpOthers) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"), {"--http-timeout-s", "2"});
  ASSERT_NE(gw.port(), 0) << gw.log();
  std::vector<std::unique_ptr<SlowClient>> slow;
  for (int i = 0; i < 64; ++i) {
    slow.push_back(std::make_unique<SlowClient>(gw.port()));
    ASSERT_TRUE(slow.back()->connected()) << i;
  }
  // With every slow connection open, a normal client is answered at once.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(gw.get("/api/v1/status").status, 200) << i;
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 5000)
      << "10 requests next to 64 slow clients";
  // And the slow ones are cut off after the request timeout.
  EXPECT_TRUE(waitUntil(
      [&] {
        for (auto& s : slow) {
          if (!s->closedByServer()) return false;
        }
        return true;
      },
      15s))
      << "slow clients were not timed out";
  EXPECT_EQ(gw.get("/healthz").status, 200);
}

TEST(HttpHardening, PathsThatLeaveTheConsoleDirectoryAreRefused) {
  TempDir dir;
  ServeProcess gw(dir, "gw", dir.file("db"));
  ASSERT_NE(gw.port(), 0) << gw.log();
  for (const std::string path :
       {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/assets/../../../../etc/passwd", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/.%2e/.%2e/etc/passwd", "/index.html%00.png", "//etc/passwd"}) {
    auto r = rawHttp(gw.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.status, 0) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path << " leaked /etc/passwd";
    if (r.status == 200) {
      // The console's fallback page is the only 200 a path outside the tree may get.
      EXPECT_NE(r.headers["content-type"].find("text/html"), std::string::npos) << path;
    }
  }
}

}  // namespace
}  // namespace srtgw::test
