#pragma once
// The impairment relay: datagrams from clients on --listen go to --forward through one
// upstream socket per client, and replies come back to the client they belong to; each
// direction passes through its own Impairer. One thread, Linux epoll and a timerfd armed at
// the earliest scheduled send.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/result.hpp"
#include "impairment.hpp"
#include "net/event_fd.hpp"
#include "net/fd.hpp"
#include "net/linux_epoll.hpp"
#include "send_schedule.hpp"

namespace srtgw::impair {

struct RelayConfig {
  sockaddr_storage listen{};
  sockaddr_storage forward{};
  DirectionConfig up;    // client -> forward
  DirectionConfig down;  // forward -> client
  uint64_t seed = 1;
  int socket_buffer_bytes = 8 * 1024 * 1024;
  size_t max_clients = 64;
  int64_t client_idle_ns = 60'000'000'000;  // an upstream socket unused this long is closed
  size_t max_pending = 131'072;             // datagrams waiting to be sent, both directions
  int64_t report_interval_ns = 0;           // 0: no periodic report
};

struct RelayStats {
  DirectionStats up;
  DirectionStats down;
  size_t clients = 0;
  uint64_t clients_refused = 0;  // datagrams from new clients past max_clients
  size_t pending = 0;
  int64_t elapsed_ns = 0;
};

/// True for 127.0.0.0/8 and ::1: the relay only ever talks to this host.
bool isLoopback(const sockaddr_storage& addr);

class Relay {
 public:
  using ReportFn = std::function<void(const RelayStats&)>;

  /// Any thread: binds --listen (port 0 picks one); fails on a non-loopback address.
  static core::Result<std::unique_ptr<Relay>> open(const RelayConfig& cfg);
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;
  ~Relay();

  /// Any thread: the bound listen address, with the real port.
  const sockaddr_storage& listenAddress() const { return listen_address_; }

  /// One thread at a time: relays until stop() is called or `stop_fd` (e.g. a signalfd)
  /// turns readable; calls `report` from this thread every report interval.
  void run(int stop_fd = -1, const ReportFn& report = {});
  /// Any thread: makes run() return soon.
  void stop() { wake_.notify(); }
  /// Any thread: the counters as of the last event the relay handled.
  RelayStats snapshot() const;

 private:
  struct Client {
    uint32_t id = 0;
    sockaddr_storage address{};
    socklen_t address_len = 0;
    net::Fd upstream;  // connected to --forward
    int64_t last_active_ns = 0;
  };

  struct ReceiveBatch;
  struct SendBatch;

  explicit Relay(const RelayConfig& cfg);
  core::Result<void> init();
  void receiveFromClients(int64_t now_ns);
  void receiveFromUpstream(Client& client, int64_t now_ns);
  void accept(Direction direction, uint32_t client, const uint8_t* data, size_t length,
              bool truncated, int64_t now_ns);
  Client* findOrAddClient(const sockaddr_storage& from, socklen_t from_len, int64_t now_ns);
  void sendDue(int64_t now_ns);
  void armTimer();
  void closeIdleClients(int64_t now_ns);
  RelayStats collect(int64_t now_ns) const;
  Impairer& impairer(Direction d) { return d == Direction::kUp ? up_ : down_; }

  RelayConfig cfg_;
  net::Fd listen_;
  sockaddr_storage listen_address_{};
  net::LinuxEpoll epoll_;
  net::Fd timer_;         // fires at the schedule's earliest due time
  net::Fd report_timer_;  // periodic, when a report interval is set
  net::EventFd wake_;
  Impairer up_;
  Impairer down_;
  SendSchedule schedule_;
  std::unique_ptr<ReceiveBatch> batch_;
  std::unique_ptr<SendBatch> send_batch_;
  int64_t armed_due_ns_ = -1;
  int64_t started_ns_ = 0;
  int64_t next_idle_check_ns_ = 0;
  uint32_t next_client_id_ = 1;
  uint64_t clients_refused_ = 0;
  Client* last_client_ = nullptr;  // most datagrams come from the client before
  std::unordered_map<std::string, uint32_t> client_ids_;  // raw address bytes -> id
  std::unordered_map<uint32_t, std::unique_ptr<Client>> clients_;

  mutable std::mutex snapshot_mu_;
  RelayStats snapshot_;  // guarded by snapshot_mu_
};

}  // namespace srtgw::impair
