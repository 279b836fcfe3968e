#include "engine/udp_input.hpp"

#include "core/clock.hpp"
#include "net/address.hpp"
#include "srt/socket.hpp"

namespace srtgw::engine {

core::Result<void> UdpInput::start() {
  const auto& ep = spec_.endpoint;
  auto addr = net::resolve(ep.host, ep.port);
  if (!addr) {
    return addr.error();
  }
  net::UdpReceiverConfig cfg;
  cfg.address = *addr;
  cfg.interface = ep.interface;
  cfg.source = ep.multicast_source;
  if (ep.udp_buffer > 0) {
    cfg.rcvbuf = ep.udp_buffer;
  }
  if (!ep.local_addr.empty() && ep.interface.empty()) {
    cfg.interface = ep.local_addr;
  }
  auto sock = net::UdpSocket::openReceiver(cfg);
  if (!sock) {
    status_.set(StreamState::kError, sock.error().message);
    return sock.error();
  }
  sock_ = std::move(*sock);
  status_.setLocalPort(sock_.localPort());
  bool ok = worker_.call([this] { return worker_.watch(sock_.fd(), this); });
  if (!ok) {
    sock_ = net::UdpSocket();
    return core::makeError(core::Errc::kIo, "cannot watch the UDP socket");
  }
  started_ = true;
  status_.set(StreamState::kListening);
  return core::ok();
}

void UdpInput::stop() {
  if (!started_) {
    return;
  }
  worker_.call([this] { worker_.unwatch(sock_.fd(), this); });
  sock_ = net::UdpSocket();
  started_ = false;
  status_.set(StreamState::kStopped);
}

namespace {

// Longest age taken from a kernel timestamp; anything older (a stepped wall clock) is
// stamped with the time of reading instead.
constexpr int64_t kMaxSourceAgeUs = 1'000'000;

// Batches one read may take (1,024 datagrams: 10 ms at 1 Gbps) before the worker's
// other sockets get their turn.
constexpr int kMaxBatchesPerRead = 16;

// How long ago the kernel stamped a datagram, or -1 when it gave no stamp or the age is
// not plausible (the same bound as the source times).
int64_t sourceAgeNs(int64_t kernel_rx_ns) {
  if (kernel_rx_ns <= 0) {
    return -1;
  }
  const int64_t age = core::wallNowNs() - kernel_rx_ns;
  return age >= 0 && age <= kMaxSourceAgeUs * 1000 ? age : -1;
}

// Maps each datagram's kernel receive time (wall clock) onto libsrt's clock, by its age
// now: two clock reads per batch, whatever its size.
void stampSourceTimes(net::DatagramBatch& batch) {
  const int64_t srt_now = srt::timeNowUs();
  const int64_t wall_now_ns = core::wallNowNs();
  for (int i = 0; i < batch.size(); ++i) {
    const int64_t rx = batch.kernelRxTimeNs(i);
    int64_t age_us = rx > 0 ? (wall_now_ns - rx) / 1000 : 0;
    if (age_us < 0 || age_us > kMaxSourceAgeUs) {
      age_us = 0;
    }
    batch.setSourceTimeUs(i, srt_now - age_us);
  }
  batch.markTimed(srt_now);
}

}  // namespace

UdpHandler::ReadResult UdpInput::onReadable() {
  auto& batch = worker_.batch();
  int truncated = 0;
  ReadResult result;
  int& total = result.datagrams;
  int64_t newest_rx_ns = 0;
  // Bounded: other sockets of this worker get their turn; epoll reports the rest again.
  result.more = true;
  for (int i = 0; i < kMaxBatchesPerRead; ++i) {
    int n = sock_.receive(batch, truncated);
    if (n == 0) {
      result.more = false;
      break;
    }
    total += n;
    newest_rx_ns = batch.kernelRxTimeNs(n - 1);  // recvmmsg fills slots in arrival order
    stampSourceTimes(batch);
    forward(batch);
    if (n < net::DatagramBatch::kCapacity) {
      result.more = false;
      break;
    }
  }
  if (truncated > 0) {
    truncated_counter_.add(static_cast<uint64_t>(truncated));
  }
  if (total > 0) {
    last_rx_ms_.store(core::steadyNowMs(), std::memory_order_relaxed);
    result.newest_age_ns = sourceAgeNs(newest_rx_ns);
  }
  return result;
}

void UdpInput::fillStats(EndpointStats& out, int64_t now_ms) {
  // UDP has no connection: "connected" means packets are arriving. The control thread
  // derives the state here, so the worker never touches the status on the packet path.
  const int64_t last = last_rx_ms_.load(std::memory_order_relaxed);
  const int64_t steady = core::steadyNowMs();
  if (started_) {
    const bool receiving = last != 0 && steady - last < kIdleAfterMs;
    const auto state = status_.state();
    if (receiving && state != StreamState::kConnected) {
      status_.set(StreamState::kConnected);
    } else if (!receiving && state == StreamState::kConnected) {
      status_.set(StreamState::kListening, "no packets for 2 s");
    }
  }
  Input::fillStats(out, now_ms);
  out.truncated = truncated_counter_.get();
  out.read_hold_us = published_hold_us_.load(std::memory_order_relaxed);
}

}  // namespace srtgw::engine
