#pragma once
// SRT listener output: one port, many callers at once. Each caller is a subscriber with
// its own slot, counters and statistics; one that joins late gets the live stream from
// that moment; one that stalls loses packets alone.
//
// Subscribers live in a fixed array of slots sized at start (max_clients). The input's
// thread walks the slots and sends to every occupied one; the manager worker fills and
// empties slots by publishing or clearing a socket id. No lock, no allocation on send.

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/listen_access.hpp"
#include "engine/output.hpp"
#include "engine/stall_detector.hpp"
#include "engine/srt_worker.hpp"
#include "srt/socket.hpp"

namespace srtgw::engine {

class SrtListenerOutput final : public Output, private SrtHandler, private srt::ListenGate {
 public:
  SrtListenerOutput(OutputSpec spec, SrtWorker& manager, const EventSink* sink);
  ~SrtListenerOutput() override;

  core::Result<void> start() override;
  void stop() override;
  void send(net::DatagramBatch& batch) noexcept override;
  void fillStats(EndpointStats& out, int64_t now_ms) override;

 private:
  struct Slot {
    std::atomic<srt::SocketId> sock{srt::kInvalidSocket};
    std::atomic<int64_t> since_us{0};  // libsrt's clock at accept, stored before sock
    core::Counter packets;  // written by the input's thread
    core::Counter bytes;
    core::Counter dropped;
  };
  struct ClientInfo {  // guarded by info_mu_
    std::string peer;
    std::string stream_id;
    int64_t connected_at_ms = 0;
    int64_t since_steady_ms = 0;
    RateMeter rate;
  };

  // Manager worker thread.
  core::Result<void> startOnWorker();
  void stopOnWorker();
  void onSrtEvent(srt::SocketId sock, int events) override;
  void onTick(int64_t now_ms) override;
  void acceptOne();
  void removeClient(int slot, const char* why);
  void updateState();
  // libsrt's thread.
  int onConnectRequest(const sockaddr_storage& peer, std::string_view stream_id) noexcept override;

  SrtWorker& manager_;
  const int capacity_;
  RejectThrottle reject_throttle_;  // listen callback (libsrt's thread)
  std::unique_ptr<Slot[]> slots_;
  std::atomic<int> high_water_{0};  // slots [0, high_water_) may be occupied
  std::atomic<int> clients_{0};

  // Manager worker thread only.
  srt::Socket listener_;
  std::vector<srt::Socket> owned_;  // per slot
  std::unordered_map<srt::SocketId, int> slot_of_;
  // Stall detection per subscriber, on its ACKs: a subscriber that acknowledges nothing for
  // the stall timeout is stalled; for twice that, it is removed (its socket would otherwise
  // live until libsrt's peer idle timeout, 5 s). The output is stalled when all are.
  std::vector<StallDetector> stall_;   // per slot
  std::vector<char> slot_stalled_;     // per slot
  int stalled_clients_ = 0;
  int64_t next_stall_check_ms_ = 0;

  mutable std::mutex info_mu_;
  std::vector<ClientInfo> info_;  // per slot, guarded by info_mu_
  bool started_ = false;          // control thread only
};

}  // namespace srtgw::engine
