#pragma once
// Keeps one SRT caller or rendezvous connection up: connects without blocking, and after a
// failure or a loss reconnects forever with capped exponential backoff. Shared by caller
// inputs and caller outputs; lives on one SrtWorker.

#include <netinet/in.h>

#include "engine/spec.hpp"
#include "engine/stall_detector.hpp"
#include "engine/srt_worker.hpp"
#include "engine/status.hpp"
#include "srt/socket.hpp"

namespace srtgw::engine {

class SrtConnector final : public SrtHandler {
 public:
  static constexpr int kMinBackoffMs = 100;
  static constexpr int kMaxBackoffMs = 1000;

  class Owner {
   public:
    virtual ~Owner() = default;
    /// Worker thread: the socket is connected and carries data from now on.
    virtual void onConnected(srt::SocketId s) = 0;
    /// Worker thread: data is waiting (receiving connectors only).
    virtual void onReadable(srt::SocketId s) = 0;
    /// Worker thread: the socket is about to be closed.
    virtual void onDisconnected() = 0;
  };

  SrtConnector(SrtWorker& worker, const EndpointSpec& spec, Status& status, Counters& counters,
               Owner& owner, bool receiving)
      : worker_(worker), spec_(spec), status_(status), counters_(counters), owner_(owner),
        receiving_(receiving) {}
  ~SrtConnector() override = default;

  /// Worker thread: resolves addresses (the only error returned) and makes the first attempt.
  core::Result<void> start();
  /// Worker thread.
  void stop();
  /// Worker thread: the owner saw the connection break (a read or send failed), or it
  /// stalled for too long.
  void lost(std::string why);

  void onSrtEvent(srt::SocketId sock, int events) override;
  void onTick(int64_t now_ms) override;

 private:
  void attempt();
  void closeSocket();
  void failed(std::string reason, bool rejected);
  void checkStall(int64_t now_ms);

  SrtWorker& worker_;
  const EndpointSpec& spec_;
  Status& status_;
  Counters& counters_;
  Owner& owner_;
  const bool receiving_;

  // Worker thread only.
  srt::Socket sock_;
  sockaddr_storage remote_{};
  sockaddr_storage local_{};
  bool bind_local_ = false;
  bool connected_ = false;
  bool running_ = false;
  int64_t retry_at_ms_ = -1;
  int backoff_ms_ = 0;
  // Stall detection (see stall_detector.hpp): a receiver watches its packet counter, a
  // sender the ACKs it gets back. A stalled connection is closed and redialled after a
  // grace, because a restarted peer does not know it and would ignore it until libsrt's
  // peer idle timeout (5 s) broke it.
  StallDetector stall_;
  bool stalled_ = false;
  int64_t next_stall_check_ms_ = 0;
  uint64_t progress_at_connect_ = 0;
  int64_t redial_grace_ms_ = 0;  // receivers: grows while redials bring no data
};

}  // namespace srtgw::engine
