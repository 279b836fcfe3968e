#include "engine/srt_inputs.hpp"

#include <fmt/format.h>

#include "core/clock.hpp"
#include "engine/srt_reader.hpp"
#include "engine/listen_access.hpp"
#include "net/address.hpp"
#include "srt/epoll.hpp"
#include "srt/stream_id.hpp"

namespace srtgw::engine {
namespace {

// Per readiness event, read at most this many batches before letting other sockets of the
// worker have their turn (level-triggered epoll reports the rest again).
constexpr int kMaxBatchesPerEvent = 8;

}  // namespace

// ---- listener ----

core::Result<void> SrtListenerInput::start() {
  auto r = worker_.call([this] { return startOnWorker(); });
  started_ = r.ok();
  return r;
}

void SrtListenerInput::stop() {
  if (started_) {
    worker_.call([this] { stopOnWorker(); });
    started_ = false;
    status_.set(StreamState::kStopped);
  }
}

core::Result<void> SrtListenerInput::startOnWorker() {
  const auto& ep = spec_.endpoint;
  auto local = net::resolve(ep.local_addr, ep.port);
  if (!local) {
    return local.error();
  }
  auto sock = srt::Socket::create(ep.srt);
  if (!sock) {
    return sock.error();
  }
  if (auto r = sock->setListenGate(this); !r) {
    return r;
  }
  if (auto r = sock->bind(*local); !r) {
    status_.set(StreamState::kError, r.error().message);
    return r;
  }
  if (auto r = sock->listen(4); !r) {
    status_.set(StreamState::kError, r.error().message);
    return r;
  }
  listener_ = std::move(*sock);
  status_.setLocalPort(listener_.localPort());
  if (!worker_.watch(listener_.id(), srt::kEventIn | srt::kEventErr, this)) {
    listener_.close();
    return core::makeError(core::Errc::kSrt, "cannot watch the listening socket");
  }
  status_.set(StreamState::kListening);
  worker_.addTicker(this);
  return core::ok();
}

void SrtListenerInput::stopOnWorker() {
  worker_.removeTicker(this);
  dropPublisher({});
  if (listener_.valid()) {
    worker_.unwatch(listener_.id());
    listener_.close();
  }
}

int SrtListenerInput::onConnectRequest(const sockaddr_storage& peer,
                                       std::string_view stream_id) noexcept {
  // Access control first: a stranger learns nothing about who is connected.
  if (int code = checkAccess(spec_.endpoint.access, peer, stream_id, /*publishing=*/true, counters_, status_,
                             reject_throttle_)) {
    return code;
  }
  // One publisher at a time: a second one is told why, before its handshake completes.
  // A stalled publisher gives way (see publisher_stalled_).
  if (has_publisher_.load(std::memory_order_acquire) &&
      !publisher_stalled_.load(std::memory_order_acquire)) {
    reportRejection(reject_throttle_, peer, stream_id, srt::kRejectConflict, "a publisher is already connected",
                    counters_, status_);
    return srt::kRejectConflict;
  }
  return 0;
}

void SrtListenerInput::onSrtEvent(srt::SocketId sock, int events) {
  if (listener_.valid() && sock == listener_.id()) {
    // One accept per readiness event (level-triggered; see SrtListenerOutput::acceptOne).
    {
      sockaddr_storage peer{};
      auto accepted = listener_.accept(&peer);
      if (!accepted || !accepted->valid()) {
        return;
      }
      if (publisher_.valid()) {
        if (!publisher_stalled_.load(std::memory_order_acquire)) {
          counters_.rejected.addShared(1);  // raced past the gate; closed here
          return;
        }
        dropPublisher(fmt::format("replaced by a new publisher after {} ms without data",
                                  stall_.quietMs(core::steadyNowMs())));
      }
      publisher_ = std::move(*accepted);
      has_publisher_.store(true, std::memory_order_release);
      publisher_stalled_.store(false, std::memory_order_release);
      next_stall_check_ms_ = core::steadyNowMs() + kStallCheckMs;
      stall_.reset(core::steadyNowMs(), counters_.packets.get(), 0);
      worker_.watch(publisher_.id(), srt::kEventIn | srt::kEventErr, this);
      counters_.data_socket.store(publisher_.id(), std::memory_order_release);
      counters_.connects.add(1);
      status_.set(StreamState::kConnected, {}, net::formatAddress(peer));
    }
    return;
  }
  if (!publisher_.valid() || sock != publisher_.id()) {
    return;
  }
  if ((events & srt::kEventIn) != 0) {
    auto& batch = worker_.batch();
    for (int i = 0; i < kMaxBatchesPerEvent; ++i) {
      bool alive = readSrtBatch(sock, batch);
      if (batch.size() > 0) {
        forward(batch);
      }
      if (!alive) {
        dropPublisher("publisher disconnected");
        return;
      }
      if (batch.size() < net::DatagramBatch::kCapacity) {
        break;
      }
    }
  }
  if ((events & srt::kEventErr) != 0 || publisher_.state() != srt::LinkState::kConnected) {
    dropPublisher("publisher disconnected");
  }
}

void SrtListenerInput::onTick(int64_t now_ms) {
  if (!publisher_.valid() || now_ms < next_stall_check_ms_) {
    return;
  }
  next_stall_check_ms_ = now_ms + kStallCheckMs;
  const int64_t timeout = stallTimeoutMs(spec_.endpoint.stall_timeout_ms);
  // No grace to kDead here: a stalled publisher stays until a new one replaces it.
  const auto verdict = stall_.update(now_ms, counters_.packets.get(), true, timeout);
  const bool stalled = verdict != StallDetector::Verdict::kFlowing;
  if (stalled == publisher_stalled_.load(std::memory_order_relaxed)) {
    return;
  }
  publisher_stalled_.store(stalled, std::memory_order_release);
  if (stalled) {
    status_.set(StreamState::kStalled, fmt::format("no data for {} ms", stall_.quietMs(now_ms)));
  } else {
    status_.set(StreamState::kConnected);
  }
}

void SrtListenerInput::dropPublisher(const std::string& why) {
  if (!publisher_.valid()) {
    return;
  }
  counters_.data_socket.store(srt::kInvalidSocket, std::memory_order_release);
  worker_.unwatch(publisher_.id());
  publisher_.close();
  has_publisher_.store(false, std::memory_order_release);
  publisher_stalled_.store(false, std::memory_order_release);
  if (!why.empty()) {
    // Keeps listening: the next publisher may connect at once.
    status_.set(StreamState::kListening, why);
  }
}

// ---- caller / rendezvous ----

core::Result<void> SrtCallerInput::start() {
  auto r = worker_.call([this] { return connector_.start(); });
  started_ = r.ok();
  return r;
}

void SrtCallerInput::stop() {
  if (started_) {
    worker_.call([this] { connector_.stop(); });
    started_ = false;
    status_.set(StreamState::kStopped);
  }
}

void SrtCallerInput::onReadable(srt::SocketId s) {
  auto& batch = worker_.batch();
  for (int i = 0; i < kMaxBatchesPerEvent; ++i) {
    bool alive = readSrtBatch(s, batch);
    if (batch.size() > 0) {
      forward(batch);
    }
    if (!alive) {
      connector_.lost("peer disconnected");
      return;
    }
    if (batch.size() < net::DatagramBatch::kCapacity) {
      return;
    }
  }
}

}  // namespace srtgw::engine
