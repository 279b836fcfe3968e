#pragma once
// SRT inputs: a listener that takes one publisher at a time, and a caller or rendezvous
// that keeps pulling from its peer.

#include <atomic>

#include "engine/listen_access.hpp"
#include "engine/input.hpp"
#include "engine/srt_connector.hpp"
#include "engine/stall_detector.hpp"
#include "engine/srt_worker.hpp"

namespace srtgw::engine {

class SrtListenerInput final : public Input, private SrtHandler, private srt::ListenGate {
 public:
  SrtListenerInput(InputSpec spec, SrtWorker& worker, const EventSink* sink)
      : Input(std::move(spec), sink), worker_(worker) {}
  ~SrtListenerInput() override { stop(); }

  core::Result<void> start() override;
  void stop() override;
  void runOnWorker(const std::function<void()>& fn) override { worker_.call(fn); }

 private:
  core::Result<void> startOnWorker();
  void stopOnWorker();
  void onSrtEvent(srt::SocketId sock, int events) override;
  void onTick(int64_t now_ms) override;
  void dropPublisher(const std::string& why);
  int onConnectRequest(const sockaddr_storage& peer, std::string_view stream_id) noexcept override;

  SrtWorker& worker_;
  srt::Socket listener_;   // worker thread only
  srt::Socket publisher_;  // worker thread only
  std::atomic<bool> has_publisher_{false};
  RejectThrottle reject_throttle_;  // listen callback (libsrt's thread)
  // A stalled publisher is not dropped on its own (it may be alive and merely quiet), but a
  // new publisher may replace it: a restarted one would otherwise be refused until libsrt's
  // peer idle timeout (5 s) broke the old connection.
  std::atomic<bool> publisher_stalled_{false};
  StallDetector stall_;              // worker thread only
  int64_t next_stall_check_ms_ = 0;  // worker thread only
  bool started_ = false;   // control thread only
};

class SrtCallerInput final : public Input, private SrtConnector::Owner {
 public:
  SrtCallerInput(InputSpec spec, SrtWorker& worker, const EventSink* sink)
      : Input(std::move(spec), sink),
        worker_(worker),
        connector_(worker, spec_.endpoint, status_, counters_, *this, /*receiving=*/true) {}
  ~SrtCallerInput() override { stop(); }

  core::Result<void> start() override;
  void stop() override;
  void runOnWorker(const std::function<void()>& fn) override { worker_.call(fn); }

 private:
  void onConnected(srt::SocketId) override {}
  void onReadable(srt::SocketId s) override;
  void onDisconnected() override {}

  SrtWorker& worker_;
  SrtConnector connector_;
  bool started_ = false;  // control thread only
};

}  // namespace srtgw::engine
