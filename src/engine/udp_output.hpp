#pragma once
// UDP unicast or multicast output: one sendmmsg per batch, non-blocking.

#include "engine/output.hpp"
#include "net/udp_socket.hpp"

namespace srtgw::engine {

class UdpOutput final : public Output {
 public:
  UdpOutput(OutputSpec spec, const EventSink* sink) : Output(std::move(spec), sink) {}
  core::Result<void> start() override;
  void stop() override;
  void send(net::DatagramBatch& batch) noexcept override;

 private:
  net::UdpSocket sock_;
};

}  // namespace srtgw::engine
