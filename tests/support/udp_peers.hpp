#pragma once
// In-process UDP endpoints for tests: a sink that records every datagram and a paced source.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace srtgw::test {

/// Deterministic MPEG-TS-shaped bytes: `packets` 188-byte packets on PID 0x100 whose
/// payload carries the packet index, so every 1316-byte datagram is unique.
std::string makeSequenceTs(size_t packets, uint32_t seed = 1);

/// A multicast group to receive, beside any other receiver of it on this host.
struct MulticastGroup {
  std::string group;  // e.g. 239.255.1.2
  int port = 0;
  std::string interface_addr = "127.0.0.1";
};

class UdpSink {
 public:
  explicit UdpSink(const char* host = "127.0.0.1");
  explicit UdpSink(const MulticastGroup& g);
  ~UdpSink();
  int port() const { return port_; }
  size_t bytes() const;
  size_t datagrams() const;
  std::string data() const;
  /// When each datagram arrived: the kernel's receive time on the steady clock (ns), in order.
  std::vector<int64_t> arrivalTimesNs() const;
  /// The size of each datagram, in order.
  std::vector<size_t> datagramSizes() const;

 private:
  void open(const char* host, int port, bool reuse);
  void run();
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string data_;        // guarded by mu_
  size_t datagrams_ = 0;    // guarded by mu_
  std::vector<int64_t> arrivals_ns_;  // guarded by mu_
  std::vector<size_t> sizes_;         // guarded by mu_
  std::thread thread_;
};

/// Sends `data` as `chunk`-byte datagrams to host:port at `mbps`, from its own thread.
class UdpSource {
 public:
  UdpSource(std::string host, int port, std::string data, double mbps, size_t chunk = 1316);
  ~UdpSource();
  bool done() const { return done_.load(); }
  void join();
  /// After join(): when each datagram was handed to the kernel (steady clock, ns), in order.
  /// A sender thread that was scheduled late sends a catch-up burst, which this shows.
  const std::vector<int64_t>& sendTimesNs() const { return send_ns_; }

 private:
  std::atomic<bool> done_{false};
  std::atomic<bool> stop_{false};
  std::vector<int64_t> send_ns_;  // written by the thread until it ends
  std::thread thread_;
};

}  // namespace srtgw::test
