#pragma once
// SRT caller (or rendezvous) output: pushes the input's packets to one remote peer and
// reconnects forever when the peer goes away.

#include "engine/output.hpp"
#include "engine/srt_connector.hpp"

namespace srtgw::engine {

class SrtCallerOutput final : public Output, private SrtConnector::Owner {
 public:
  SrtCallerOutput(OutputSpec spec, SrtWorker& manager, const EventSink* sink)
      : Output(std::move(spec), sink),
        manager_(manager),
        connector_(manager, spec_.endpoint, status_, counters_, *this, /*receiving=*/false) {}
  ~SrtCallerOutput() override { stop(); }

  core::Result<void> start() override;
  void stop() override;
  void send(net::DatagramBatch& batch) noexcept override;

 private:
  void onConnected(srt::SocketId) override {}
  void onReadable(srt::SocketId) override {}
  void onDisconnected() override {}

  SrtWorker& manager_;
  SrtConnector connector_;
  bool started_ = false;  // control thread only
};

}  // namespace srtgw::engine
