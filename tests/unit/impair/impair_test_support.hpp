#pragma once
// Test helpers for srtgw-impair: loopback UDP peers on OS-chosen ports, an in-process relay
// on its own thread, and the relay binary as a child process with its stdout on a pipe.

#include <netinet/in.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/named_thread.hpp"
#include "net/fd.hpp"
#include "relay.hpp"

namespace srtgw::impair::test {

/// A UDP socket on 127.0.0.1:0 with a large receive buffer.
class UdpPeer {
 public:
  UdpPeer();
  uint16_t port() const { return port_; }
  void sendTo(uint16_t port, const std::string& data) const;
  void sendTo(const sockaddr_in& to, const std::string& data) const;
  /// Waits up to `timeout` for one datagram; `from` gets its source, `arrival_ns` the time
  /// the kernel received it (CLOCK_REALTIME ns: compare only with other arrivals).
  std::optional<std::string> receive(std::chrono::milliseconds timeout, sockaddr_in* from = nullptr,
                                     int64_t* arrival_ns = nullptr) const;
  /// Everything already queued, without waiting.
  std::vector<std::string> drain() const;

 private:
  net::Fd fd_;
  uint16_t port_ = 0;
};

/// A relay config listening on 127.0.0.1:0 and forwarding to 127.0.0.1:forward_port.
RelayConfig relayConfig(uint16_t forward_port, uint64_t seed = 1);

/// An in-process relay running on a named thread until destroyed or stopped.
class RelayRunner {
 public:
  explicit RelayRunner(const RelayConfig& cfg);
  ~RelayRunner();
  uint16_t port() const;
  RelayStats snapshot() const { return relay_->snapshot(); }
  /// Waits until `pred(snapshot())` holds; false on timeout.
  bool waitFor(const std::function<bool(const RelayStats&)>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  /// Stops the relay thread and returns the final counters.
  RelayStats stop();

 private:
  std::unique_ptr<Relay> relay_;
  core::NamedThread thread_;
};

/// Polls `pred` every millisecond until it holds or `timeout` passes.
bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

/// Passed as Child's stderr_path: stderr goes into the stdout pipe too.
inline constexpr const char* kStderrToStdout = "&1";

/// A child process; stdout on a pipe we read lines from, stderr to a file (or /dev/null).
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv, const std::string& stderr_path = "");
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  /// The next stdout line, waiting up to `timeout`; nullopt on timeout or EOF.
  std::optional<std::string> readLine(std::chrono::milliseconds timeout);
  void signal(int sig) const;
  /// Waits up to `timeout` for the exit; the exit status, or -1 (then it is killed).
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  net::Fd out_;
  std::string buffered_;
  bool exited_ = false;
};

/// The srtgw-impair binary built with these tests.
std::string impairBinary();

/// A UDP port the system had free a moment ago, for programs that cannot report the port
/// they bound (srt-live-transmit).
uint16_t freeUdpPort();

/// True when `program` is an executable in one of $PATH's directories.
bool inPath(const std::string& program);

/// A datagram of `size` bytes that carries `seq` in its first 4 bytes and seq-derived bytes.
std::string numbered(uint32_t seq, size_t size);
/// The number numbered() put in.
uint32_t numberOf(const std::string& datagram);

}  // namespace srtgw::impair::test
