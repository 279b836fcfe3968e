#include "engine/udp_output.hpp"

#include "net/address.hpp"

namespace srtgw::engine {

core::Result<void> UdpOutput::start() {
  const auto& ep = spec_.endpoint;
  auto dest = net::resolve(ep.host, ep.port);
  if (!dest) {
    return dest.error();
  }
  net::UdpSenderConfig cfg;
  cfg.destination = *dest;
  cfg.interface = ep.interface;
  cfg.ttl = ep.ttl;
  cfg.tos = ep.tos;
  if (ep.udp_buffer > 0) {
    cfg.sndbuf = ep.udp_buffer;
  }
  if (!ep.local_addr.empty() && !net::isMulticast(*dest)) {
    auto local = net::resolve(ep.local_addr, ep.local_port);
    if (!local) {
      return local.error();
    }
    cfg.local = *local;
  }
  auto sock = net::UdpSocket::openSender(cfg);
  if (!sock) {
    status_.set(StreamState::kError, sock.error().message);
    return sock.error();
  }
  sock_ = std::move(*sock);
  status_.setLocalPort(sock_.localPort());
  // UDP has no connection: an open socket is as connected as it gets.
  counters_.connects.addShared(1);
  status_.set(StreamState::kConnected, {}, net::formatAddress(*dest));
  return core::ok();
}

void UdpOutput::stop() {
  sock_ = net::UdpSocket();
  status_.set(StreamState::kStopped);
}

void UdpOutput::send(net::DatagramBatch& batch) noexcept {
  const int n = batch.size();
  const int sent = sock_.send(batch);
  uint64_t bytes = 0;
  for (int i = 0; i < sent; ++i) {
    bytes += static_cast<uint64_t>(batch.length(i));
  }
  counters_.packets.add(static_cast<uint64_t>(sent));
  counters_.bytes.add(bytes);
  if (sent < n) {
    counters_.dropped.add(static_cast<uint64_t>(n - sent));
  }
}

}  // namespace srtgw::engine
