// SrtWorker against real libsrt sockets on loopback.

#include "engine/srt_worker.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <vector>

#include "net/address.hpp"
#include "srt/runtime.hpp"
#include "srt/socket.hpp"
#include "support/process.hpp"

namespace srtgw::engine {
namespace {

using namespace std::chrono_literals;

class Recorder final : public SrtHandler {
 public:
  void onSrtEvent(srt::SocketId sock, int /*events*/) override {
    std::lock_guard lock(mu_);
    seen_.insert(sock);
  }
  size_t seen() const {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

 private:
  mutable std::mutex mu_;
  std::set<srt::SocketId> seen_;
};

// libsrt's srt_epoll_uwait reports ready sockets in the order they became ready and stops
// at the caller's array size; a socket that stays ready keeps its place. With more ready
// sockets than the array holds, the rest were never reported: in a 100-stream soak the
// same 36 inputs "stalled" again and again. Every watched socket must get its turn.
TEST(SrtWorker, ReportsEverySocketWhenMoreAreReadyThanOneWaitUsedToHold) {
  srt::Runtime runtime;
  constexpr int kSockets = 80;  // more than the 64 events one wait used to take
  srt::SrtOptions opts;
  auto listener = srt::Socket::create(opts);
  ASSERT_TRUE(listener.ok());
  auto local = net::resolve("127.0.0.1", 0);
  ASSERT_TRUE(local.ok());
  ASSERT_TRUE(listener->bind(*local).ok());
  ASSERT_TRUE(listener->listen(kSockets).ok());
  auto remote = net::resolve("127.0.0.1", listener->localPort());
  ASSERT_TRUE(remote.ok());

  std::vector<srt::Socket> callers;
  std::vector<srt::Socket> accepted;
  for (int i = 0; i < kSockets; ++i) {
    auto c = srt::Socket::create(opts);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->connect(*remote).ok());
    callers.push_back(std::move(*c));
  }
  ASSERT_TRUE(test::waitUntil(
      [&] {
        sockaddr_storage peer{};
        while (true) {
          auto a = listener->accept(&peer);
          if (!a.ok() || !a->valid()) {
            break;
          }
          accepted.push_back(std::move(*a));
        }
        for (const auto& c : callers) {
          if (c.state() != srt::LinkState::kConnected) {
            return false;
          }
        }
        return accepted.size() == callers.size();
      },
      20s))
      << accepted.size() << " of " << kSockets << " accepted";

  // A connected socket with room in its send buffer is writable for as long as it lives:
  // all of them are ready at every wait, none ever stops being ready.
  SrtWorker worker("srt-test");
  Recorder rec;
  for (const auto& c : callers) {
    ASSERT_TRUE(worker.call([&] { return worker.watch(c.id(), srt::kEventOut, &rec); }));
  }
  EXPECT_TRUE(test::waitUntil([&] { return rec.seen() == callers.size(); }, 5s))
      << rec.seen() << " of " << callers.size() << " sockets ever reported";
  for (const auto& c : callers) {
    worker.call([&] { worker.unwatch(c.id()); });
  }
}

}  // namespace
}  // namespace srtgw::engine
