#include "engine/srt_listener_output.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "engine/listen_access.hpp"
#include "engine/srt_batch_send.hpp"
#include "net/address.hpp"
#include "srt/epoll.hpp"
#include "srt/stream_id.hpp"
#include "srt/stats.hpp"

namespace srtgw::engine {

SrtListenerOutput::SrtListenerOutput(OutputSpec spec, SrtWorker& manager, const EventSink* sink)
    : Output(std::move(spec), sink),
      manager_(manager),
      capacity_(spec_.endpoint.max_clients > 0 ? spec_.endpoint.max_clients : kDefaultMaxClients),
      slots_(std::make_unique<Slot[]>(static_cast<size_t>(capacity_))),
      owned_(static_cast<size_t>(capacity_)),
      stall_(static_cast<size_t>(capacity_)),
      slot_stalled_(static_cast<size_t>(capacity_), 0),
      info_(static_cast<size_t>(capacity_)) {}

SrtListenerOutput::~SrtListenerOutput() { stop(); }

core::Result<void> SrtListenerOutput::start() {
  auto r = manager_.call([this] { return startOnWorker(); });
  started_ = r.ok();
  return r;
}

void SrtListenerOutput::stop() {
  if (started_) {
    manager_.call([this] { stopOnWorker(); });
    started_ = false;
    status_.set(StreamState::kStopped);
  }
}

core::Result<void> SrtListenerOutput::startOnWorker() {
  const auto& ep = spec_.endpoint;
  auto local = net::resolve(ep.local_addr, ep.port);
  if (!local) {
    return local.error();
  }
  auto sock = srt::Socket::create(srt::outputDefaults(ep.srt));
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
  if (auto r = sock->listen(64); !r) {
    status_.set(StreamState::kError, r.error().message);
    return r;
  }
  listener_ = std::move(*sock);
  status_.setLocalPort(listener_.localPort());
  if (!manager_.watch(listener_.id(), srt::kEventIn | srt::kEventErr, this)) {
    listener_.close();
    return core::makeError(core::Errc::kSrt, "cannot watch the listening socket");
  }
  status_.set(StreamState::kListening);
  manager_.addTicker(this);
  return core::ok();
}

void SrtListenerOutput::stopOnWorker() {
  manager_.removeTicker(this);
  for (int i = 0; i < capacity_; ++i) {
    if (owned_[static_cast<size_t>(i)].valid()) {
      removeClient(i, "output stopped");
    }
  }
  if (listener_.valid()) {
    manager_.unwatch(listener_.id());
    listener_.close();
  }
}

int SrtListenerOutput::onConnectRequest(const sockaddr_storage& peer,
                                        std::string_view stream_id) noexcept {
  if (int code = checkAccess(spec_.endpoint.access, peer, stream_id, /*publishing=*/false, counters_, status_,
                             reject_throttle_)) {
    return code;
  }
  // Turn a caller away before the handshake completes rather than after.
  if (clients_.load(std::memory_order_relaxed) >= capacity_) {
    reportRejection(reject_throttle_, peer, stream_id, srt::kRejectOverload, "too many clients", counters_, status_);
    return srt::kRejectOverload;
  }
  return 0;
}

void SrtListenerOutput::onSrtEvent(srt::SocketId sock, int events) {
  if (listener_.valid() && sock == listener_.id()) {
    acceptOne();
    return;
  }
  auto it = slot_of_.find(sock);
  if (it == slot_of_.end()) {
    return;
  }
  const int slot = it->second;
  if ((events & srt::kEventIn) != 0) {
    // Callers of a live stream send nothing but control packets; drain what arrives.
    uint8_t scratch[1500];
    int n = 0;
    while ((n = srt::recvMessage(sock, scratch, sizeof scratch)) > 0) {
    }
    if (n < 0) {
      removeClient(slot, "disconnected");
      return;
    }
  }
  if ((events & srt::kEventErr) != 0 ||
      owned_[static_cast<size_t>(slot)].state() != srt::LinkState::kConnected) {
    removeClient(slot, "disconnected");
  }
}

void SrtListenerOutput::acceptOne() {
  // One accept per readiness event: the epoll is level-triggered and reports the next
  // pending caller again, and libsrt logs an error for every accept that finds none.
  {
    sockaddr_storage peer{};
    auto accepted = listener_.accept(&peer);
    if (!accepted || !accepted->valid()) {
      return;
    }
    int slot = -1;
    for (int i = 0; i < capacity_; ++i) {
      if (!owned_[static_cast<size_t>(i)].valid()) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      counters_.rejected.add(1);
      return;  // the Socket closes as it goes out of scope
    }
    const srt::SocketId id = accepted->id();
    {
      std::lock_guard lock(info_mu_);
      auto& info = info_[static_cast<size_t>(slot)];
      info = ClientInfo{};
      info.peer = net::formatAddress(peer);
      info.stream_id = srt::displayStreamId(accepted->streamId());  // shown in events and stats
      info.connected_at_ms = core::wallNowMs();
      info.since_steady_ms = core::steadyNowMs();
    }
    auto& s = slots_[static_cast<size_t>(slot)];
    // A slot's counters describe its current subscriber. The input's thread may still add
    // to them for a few packets of the previous one: accepted as noise.
    s.packets.reset();
    s.bytes.reset();
    s.dropped.reset();
    const int64_t timeout = stallTimeoutMs(spec_.endpoint.stall_timeout_ms);
    stall_[static_cast<size_t>(slot)].reset(core::steadyNowMs(), 0, timeout);
    owned_[static_cast<size_t>(slot)] = std::move(*accepted);
    slot_of_[id] = slot;
    manager_.watch(id, srt::kEventIn | srt::kEventErr, this);
    s.since_us.store(srt::timeNowUs(), std::memory_order_relaxed);
    s.sock.store(id, std::memory_order_release);
    int hw = high_water_.load(std::memory_order_relaxed);
    if (slot + 1 > hw) {
      high_water_.store(slot + 1, std::memory_order_release);
    }
    clients_.fetch_add(1, std::memory_order_relaxed);
    counters_.connects.add(1);
    {
      std::lock_guard lock(info_mu_);
      const auto& info = info_[static_cast<size_t>(slot)];
      status_.emit("client.connected", {}, info.peer, info.stream_id);
    }
    updateState();
  }
}

void SrtListenerOutput::removeClient(int slot, const char* why) {
  auto& owned = owned_[static_cast<size_t>(slot)];
  if (!owned.valid()) {
    return;
  }
  {
    std::lock_guard lock(info_mu_);
    const auto& info = info_[static_cast<size_t>(slot)];
    status_.emit("client.disconnected", why, info.peer, info.stream_id);
  }
  slots_[static_cast<size_t>(slot)].sock.store(srt::kInvalidSocket, std::memory_order_release);
  slot_of_.erase(owned.id());
  manager_.unwatch(owned.id());
  owned.close();
  clients_.fetch_sub(1, std::memory_order_relaxed);
  if (slot_stalled_[static_cast<size_t>(slot)] != 0) {
    slot_stalled_[static_cast<size_t>(slot)] = 0;
    --stalled_clients_;
  }
  updateState();
}

void SrtListenerOutput::updateState() {
  const int n = clients_.load(std::memory_order_relaxed);
  if (n == 0) {
    status_.set(StreamState::kListening);
  } else if (stalled_clients_ >= n) {
    status_.set(StreamState::kStalled,
                n == 1 ? "the client acknowledges nothing" : "no client acknowledges anything");
  } else {
    status_.set(StreamState::kConnected);
  }
}

void SrtListenerOutput::onTick(int64_t now_ms) {
  if (now_ms < next_stall_check_ms_ || clients_.load(std::memory_order_relaxed) == 0) {
    return;
  }
  next_stall_check_ms_ = now_ms + kStallCheckMs;
  const int64_t timeout = stallTimeoutMs(spec_.endpoint.stall_timeout_ms);
  bool changed = false;
  for (int i = 0; i < capacity_; ++i) {
    const auto idx = static_cast<size_t>(i);
    if (!owned_[idx].valid()) {
      continue;
    }
    srt::AckProgress ack;
    if (!srt::readAckProgress(owned_[idx].id(), ack)) {
      continue;  // broken: its epoll event removes it
    }
    const auto verdict = stall_[idx].update(now_ms, static_cast<uint64_t>(ack.acks_received),
                                            ack.unacked_packets > 0, timeout);
    if (verdict == StallDetector::Verdict::kDead) {
      removeClient(i, fmt::format("stalled: nothing acknowledged for {} ms",
                                  stall_[idx].quietMs(now_ms))
                          .c_str());
      continue;
    }
    const char stalled = verdict == StallDetector::Verdict::kStalled ? 1 : 0;
    if (stalled != slot_stalled_[idx]) {
      slot_stalled_[idx] = stalled;
      stalled_clients_ += stalled != 0 ? 1 : -1;
      changed = true;
    }
  }
  if (changed) {
    updateState();
  }
}

void SrtListenerOutput::send(net::DatagramBatch& batch) noexcept {
  const int hw = high_water_.load(std::memory_order_acquire);
  uint64_t total_packets = 0;
  uint64_t total_bytes = 0;
  uint64_t total_dropped = 0;
  for (int c = 0; c < hw; ++c) {
    Slot& slot = slots_[static_cast<size_t>(c)];
    const srt::SocketId s = slot.sock.load(std::memory_order_acquire);
    if (s == srt::kInvalidSocket) {
      continue;
    }
    // A subscriber too slow to take the batch loses it alone; one that is gone is removed
    // by the manager worker.
    const SrtBatchSent sent = sendBatch(s, batch, slot.since_us.load(std::memory_order_relaxed));
    slot.packets.add(sent.packets);
    slot.bytes.add(sent.bytes);
    slot.dropped.add(sent.dropped);
    total_packets += sent.packets;
    total_bytes += sent.bytes;
    total_dropped += sent.dropped;
  }
  counters_.packets.add(total_packets);
  counters_.bytes.add(total_bytes);
  counters_.dropped.add(total_dropped);
}

void SrtListenerOutput::fillStats(EndpointStats& out, int64_t now_ms) {
  Output::fillStats(out, now_ms);
  out.connected_clients = clients_.load(std::memory_order_relaxed);
  const int hw = high_water_.load(std::memory_order_acquire);
  std::lock_guard lock(info_mu_);
  for (int c = 0; c < hw; ++c) {
    Slot& slot = slots_[static_cast<size_t>(c)];
    const srt::SocketId s = slot.sock.load(std::memory_order_acquire);
    if (s == srt::kInvalidSocket) {
      continue;
    }
    auto& info = info_[static_cast<size_t>(c)];
    ClientStats cs;
    cs.peer = info.peer;
    cs.stream_id = info.stream_id;
    cs.connected_at_ms = info.connected_at_ms;
    cs.uptime_ms = core::steadyNowMs() - info.since_steady_ms;
    cs.packets = slot.packets.get();
    cs.bytes = slot.bytes.get();
    cs.dropped = slot.dropped.get();
    cs.bitrate_bps = info.rate.update(cs.bytes, now_ms);
    if (auto st = srt::readLinkStats(s)) {
      cs.srt = *st;
    }
    out.clients.push_back(std::move(cs));
  }
}

}  // namespace srtgw::engine
