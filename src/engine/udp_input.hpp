#pragma once
// UDP input, unicast or multicast (ASM/SSM): recvmmsg batches on a UDP worker.

#include <atomic>

#include "engine/input.hpp"
#include "engine/udp_worker.hpp"
#include "net/udp_socket.hpp"

namespace srtgw::engine {

class UdpInput final : public Input, private UdpHandler {
 public:
  /// A UDP input counts as receiving while packets arrived within this window.
  static constexpr int64_t kIdleAfterMs = 2000;

  UdpInput(InputSpec spec, UdpWorker& worker, const EventSink* sink)
      : Input(std::move(spec), sink), worker_(worker) {}
  ~UdpInput() override { stop(); }

  core::Result<void> start() override;
  void stop() override;
  void runOnWorker(const std::function<void()>& fn) override { worker_.call(fn); }
  void fillStats(EndpointStats& out, int64_t now_ms) override;

 private:
  ReadResult onReadable() override;
  int64_t readHoldNs() const override { return int64_t{readHoldUs()} * 1000; }

  UdpWorker& worker_;
  net::UdpSocket sock_;
  std::atomic<int64_t> last_rx_ms_{0};     // steady clock; written per batch by the worker
  core::Counter truncated_counter_;
  bool started_ = false;                   // control thread only
};

}  // namespace srtgw::engine
