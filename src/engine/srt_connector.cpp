#include "engine/srt_connector.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/log.hpp"
#include <fmt/format.h>
#include "net/address.hpp"
#include "srt/epoll.hpp"

namespace srtgw::engine {

core::Result<void> SrtConnector::start() {
  auto remote = net::resolve(spec_.host, spec_.port);
  if (!remote) {
    return remote.error();
  }
  remote_ = *remote;
  const bool rendezvous = spec_.mode == SrtMode::kRendezvous;
  // Rendezvous binds its local port (by default the remote port, like srt-live-transmit);
  // a caller binds only when asked for an adapter or an outgoing port.
  bind_local_ = rendezvous || !spec_.local_addr.empty() || spec_.local_port != 0;
  if (bind_local_) {
    uint16_t port = spec_.local_port != 0 ? spec_.local_port : (rendezvous ? spec_.port : 0);
    auto local = net::resolve(spec_.local_addr, port);
    if (!local) {
      return local.error();
    }
    local_ = *local;
  }
  running_ = true;
  backoff_ms_ = 0;
  redial_grace_ms_ = stallTimeoutMs(spec_.stall_timeout_ms);
  worker_.addTicker(this);
  attempt();
  return core::ok();
}

void SrtConnector::stop() {
  running_ = false;
  worker_.removeTicker(this);
  closeSocket();
  retry_at_ms_ = -1;
}

void SrtConnector::closeSocket() {
  if (sock_.valid()) {
    if (connected_) {
      owner_.onDisconnected();
    }
    counters_.data_socket.store(srt::kInvalidSocket, std::memory_order_release);
    worker_.unwatch(sock_.id());
    sock_.close();
  }
  connected_ = false;
  stalled_ = false;
}

void SrtConnector::attempt() {
  retry_at_ms_ = -1;
  counters_.connect_attempts.add(1);
  auto sock = srt::Socket::create(receiving_ ? spec_.srt : srt::outputDefaults(spec_.srt));
  if (!sock) {
    failed(sock.error().message, true);
    return;
  }
  sock_ = std::move(*sock);
  if (spec_.mode == SrtMode::kRendezvous) {
    if (auto r = sock_.setRendezvous(); !r) {
      failed(r.error().message, true);
      return;
    }
  }
  if (bind_local_) {
    if (auto r = sock_.bind(local_); !r) {
      failed(r.error().message, true);
      return;
    }
  }
  if (!worker_.watch(sock_.id(), srt::kEventOut | srt::kEventErr, this)) {
    failed("cannot watch the socket", false);
    return;
  }
  const bool first = counters_.connects.get() == 0 && counters_.connect_attempts.get() == 1;
  if (status_.state() != StreamState::kError) {
    status_.set(first ? StreamState::kConnecting : StreamState::kReconnecting);
  }
  if (auto r = sock_.connect(remote_); !r) {
    // A non-blocking connect fails at once only for local reasons; the reject reason
    // (if any) says more than libsrt's generic message.
    int code = sock_.rejectCode();
    failed(code > 0 ? sock_.rejectReason() : r.error().message, code > 0);
  }
}

void SrtConnector::failed(std::string reason, bool rejected) {
  closeSocket();
  if (!running_) {
    return;
  }
  // Timeouts are the normal life of a caller whose peer is away; rejections (wrong
  // passphrase, access denied) need a human, so they show as `error`.
  status_.set(rejected ? StreamState::kError : StreamState::kReconnecting, std::move(reason));
  backoff_ms_ = std::clamp(backoff_ms_ * 2, kMinBackoffMs, kMaxBackoffMs);
  retry_at_ms_ = core::steadyNowMs() + backoff_ms_;
}

void SrtConnector::lost(std::string why) {
  if (!connected_) {
    return;
  }
  closeSocket();
  if (!running_) {
    return;
  }
  status_.set(StreamState::kReconnecting, std::move(why));
  backoff_ms_ = 0;
  retry_at_ms_ = core::steadyNowMs();  // a connection that worked is retried at once
}

void SrtConnector::onSrtEvent(srt::SocketId sock, int events) {
  if (!sock_.valid() || sock != sock_.id()) {
    return;
  }
  if (!connected_) {
    if (sock_.state() == srt::LinkState::kConnected) {
      connected_ = true;
      backoff_ms_ = 0;
      counters_.connects.add(1);
      counters_.data_since_us.store(srt::timeNowUs(), std::memory_order_relaxed);
      counters_.data_socket.store(sock_.id(), std::memory_order_release);
      worker_.rewatch(sock_.id(), srt::kEventIn | srt::kEventErr);
      const int64_t now = core::steadyNowMs();
      progress_at_connect_ = receiving_ ? counters_.packets.get() : 0;
      stall_.reset(now, progress_at_connect_,
                   receiving_ ? redial_grace_ms_ : stallTimeoutMs(spec_.stall_timeout_ms));
      stalled_ = false;
      next_stall_check_ms_ = now + kStallCheckMs;
      auto peer = net::formatAddress(remote_);
      status_.set(StreamState::kConnected, {}, peer);
      owner_.onConnected(sock_.id());
      return;
    }
    if ((events & srt::kEventErr) != 0 || sock_.state() == srt::LinkState::kBroken ||
        sock_.state() == srt::LinkState::kClosed) {
      int code = sock_.rejectCode();
      // A peer that never answered is not a rejection.
      bool rejected = code > 0 && !srt::isTimeoutReject(code);
      failed(code > 0 ? "connect failed: " + sock_.rejectReason() : "connect failed", rejected);
    }
    return;
  }
  if ((events & srt::kEventIn) != 0) {
    if (receiving_) {
      owner_.onReadable(sock);
    } else {
      // A sender's peer has nothing to say in live mode; drain whatever arrives.
      uint8_t scratch[1500];
      while (srt::recvMessage(sock, scratch, sizeof scratch) > 0) {
      }
    }
  }
  if (connected_ && ((events & srt::kEventErr) != 0 ||
                     sock_.state() != srt::LinkState::kConnected)) {
    lost("connection lost");
  }
}

void SrtConnector::onTick(int64_t now_ms) {
  if (running_ && !sock_.valid() && retry_at_ms_ >= 0 && now_ms >= retry_at_ms_) {
    attempt();
  }
  if (connected_ && now_ms >= next_stall_check_ms_) {
    checkStall(now_ms);
  }
}

void SrtConnector::checkStall(int64_t now_ms) {
  next_stall_check_ms_ = now_ms + kStallCheckMs;
  const int64_t timeout = stallTimeoutMs(spec_.stall_timeout_ms);
  uint64_t progress = 0;
  bool owed = true;
  if (receiving_) {
    progress = counters_.packets.get();
  } else {
    srt::AckProgress ack;
    if (!srt::readAckProgress(sock_.id(), ack)) {
      return;  // the socket broke; its epoll event reports it
    }
    progress = static_cast<uint64_t>(ack.acks_received);
    owed = ack.unacked_packets > 0;
  }
  switch (stall_.update(now_ms, progress, owed, timeout)) {
    case StallDetector::Verdict::kFlowing:
      if (stalled_) {
        stalled_ = false;
        status_.set(StreamState::kConnected);
      }
      break;
    case StallDetector::Verdict::kStalled:
      if (!stalled_) {
        stalled_ = true;
        const int64_t quiet = stall_.quietMs(now_ms);
        status_.set(StreamState::kStalled,
                    receiving_ ? fmt::format("no data for {} ms", quiet)
                               : fmt::format("nothing acknowledged for {} ms", quiet));
      }
      break;
    case StallDetector::Verdict::kDead: {
      const int64_t quiet = stall_.quietMs(now_ms);
      if (receiving_) {
        // A redial that brought nothing may face an idle but alive source: wait longer
        // before the next one. One that brought data starts again from the timeout.
        redial_grace_ms_ = progress == progress_at_connect_
                               ? nextRedialGrace(redial_grace_ms_, timeout)
                               : timeout;
      }
      lost(fmt::format("stalled for {} ms; redialling", quiet));
      break;
    }
  }
}

}  // namespace srtgw::engine
