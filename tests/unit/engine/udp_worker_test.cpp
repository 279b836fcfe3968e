// UdpWorker's read hold, with real UDP sockets on loopback.

#include "engine/udp_worker.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/clock.hpp"
#include "net/address.hpp"
#include "net/udp_socket.hpp"

namespace srtgw::engine {
namespace {

using namespace std::chrono_literals;

// Reads its socket on the worker and records how often and when.
class CountingInput final : public UdpHandler {
 public:
  CountingInput(UdpWorker& worker, int64_t hold_ns) : worker_(worker), hold_ns_(hold_ns) {
    net::UdpReceiverConfig cfg;
    auto addr = net::resolve("127.0.0.1", 0);
    EXPECT_TRUE(addr.ok());
    cfg.address = *addr;
    auto s = net::UdpSocket::openReceiver(cfg);
    EXPECT_TRUE(s.ok());
    sock_ = std::move(*s);
    EXPECT_TRUE(worker_.call([this] { return worker_.watch(sock_.fd(), this); }));
  }
  ~CountingInput() override {
    worker_.call([this] { worker_.unwatch(sock_.fd(), this); });
  }

  ReadResult onReadable() override {
    int truncated = 0;
    const int n = sock_.receive(worker_.batch(), truncated);
    if (n > 0) {
      const int64_t now = core::steadyNowNs();
      if (reads_.load() == 0) {
        first_read_ns_.store(now);
      }
      last_read_ns_.store(now);
      reads_.fetch_add(1);
      datagrams_.fetch_add(n);
    }
    return ReadResult{n, false, reported_age_ns_.load()};
  }
  /// What the next reads report as their newest datagram's age (-1: not known).
  void reportAge(int64_t age_ns) { reported_age_ns_.store(age_ns); }
  int64_t readHoldNs() const override { return hold_ns_; }

  uint16_t port() const { return sock_.localPort(); }
  int reads() const { return reads_.load(); }
  int datagrams() const { return datagrams_.load(); }
  int64_t firstReadNs() const { return first_read_ns_.load(); }
  int64_t lastReadNs() const { return last_read_ns_.load(); }

 private:
  UdpWorker& worker_;
  int64_t hold_ns_;
  net::UdpSocket sock_;
  std::atomic<int> reads_{0};
  std::atomic<int> datagrams_{0};
  std::atomic<int64_t> first_read_ns_{0};
  std::atomic<int64_t> last_read_ns_{0};
  std::atomic<int64_t> reported_age_ns_{-1};
};

class Sender {
 public:
  Sender() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {}
  ~Sender() { ::close(fd_); }
  void send(uint16_t port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port);
    const char payload[188] = {0x47};
    ASSERT_EQ(::sendto(fd_, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(sizeof payload));
  }

 private:
  int fd_;
};

template <typename Pred>
bool waitFor(Pred pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A steady input is read once per hold, not once per datagram: that is what saves the
// wake-ups. Load on the host can only merge reads further, never add any.
TEST(UdpWorker, ReadsABusySocketOncePerHold) {
  UdpWorker worker("udp-test");
  constexpr int64_t kHoldNs = 25'000'000;
  CountingInput input(worker, kHoldNs);
  Sender sender;
  constexpr int kDatagrams = 100;
  const int64_t start = core::steadyNowNs();
  for (int i = 0; i < kDatagrams; ++i) {
    sender.send(input.port());
    std::this_thread::sleep_for(1ms);  // the traffic's own spacing, not a wait
  }
  ASSERT_TRUE(waitFor([&] { return input.datagrams() == kDatagrams; }, 5s))
      << input.datagrams() << " of " << kDatagrams << " datagrams read";
  const int64_t span = input.lastReadNs() - start;
  const int most = static_cast<int>(span / kHoldNs) + 2;
  EXPECT_LE(input.reads(), most) << "over " << span / 1'000'000 << " ms";
  EXPECT_GT(input.datagrams() / input.reads(), 5) << input.reads() << " reads";
}

// While one socket is held, the worker serves its other sockets and its commands at once,
// and the held socket is read again once its hold is over.
TEST(UdpWorker, ServesOtherSocketsAndCommandsWhileOneIsHeld) {
  UdpWorker worker("udp-test");
  constexpr int64_t kLongHoldNs = 2'000'000'000;
  CountingInput held(worker, kLongHoldNs);
  CountingInput free_running(worker, 0);
  Sender sender;

  sender.send(held.port());
  ASSERT_TRUE(waitFor([&] { return held.reads() == 1; }, 2s));
  const int64_t first = held.firstReadNs();

  sender.send(held.port());
  sender.send(free_running.port());
  ASSERT_TRUE(waitFor([&] { return free_running.datagrams() == 1; }, 1s))
      << "a held socket kept the worker from its other sockets";
  const int64_t before_call = core::steadyNowNs();
  worker.call([] {});
  EXPECT_LT(core::steadyNowNs() - before_call, 1'000'000'000) << "a command waited for a hold";

  ASSERT_TRUE(waitFor([&] { return held.datagrams() == 2; }, 5s)) << "never read again";
  EXPECT_GE(held.lastReadNs() - first, kLongHoldNs - 5'000'000) << "read during its hold";
}

// The hold counts from when the newest datagram of a read arrived, not from the wake-up:
// a datagram that already waited out most of a hold in the socket buffer does not make
// the next one wait a whole hold again. Counted from the wake-up, a stream arriving about
// one datagram per hold was read later and later (up to a whole hold late).
TEST(UdpWorker, TheHoldCountsFromTheNewestDatagramsArrival) {
  UdpWorker worker("udp-test");
  constexpr int64_t kHoldNs = 400'000'000;
  CountingInput input(worker, kHoldNs);
  Sender sender;
  input.reportAge(kHoldNs - 20'000'000);  // arrived 380 ms before it was read

  sender.send(input.port());
  ASSERT_TRUE(waitFor([&] { return input.reads() == 1; }, 2s));
  const int64_t first = input.firstReadNs();
  sender.send(input.port());
  ASSERT_TRUE(waitFor([&] { return input.reads() == 2; }, 5s));
  EXPECT_LT(input.lastReadNs() - first, kHoldNs / 2)
      << "held as if the datagram had arrived when it was read";

  // Age unknown: the hold counts from the wake-up, as before.
  input.reportAge(-1);
  const int64_t second = input.lastReadNs();
  sender.send(input.port());
  ASSERT_TRUE(waitFor([&] { return input.reads() == 3; }, 5s));
  // The third datagram may have been read at the end of the second read's short hold;
  // the fourth one waits the whole of the third read's hold.
  const int64_t third = input.lastReadNs();
  sender.send(input.port());
  ASSERT_TRUE(waitFor([&] { return input.reads() == 4; }, 5s));
  EXPECT_GE(input.lastReadNs() - third, kHoldNs - 5'000'000) << "read during its hold";
  EXPECT_GT(third, second);
}

}  // namespace
}  // namespace srtgw::engine
