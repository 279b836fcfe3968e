#pragma once
// Helpers of the resilience suite: the impairment relay as a child process, a paced source
// that counts what it sent, a sink that checks a numbered sequence, /proc figures, and the
// results file the suite writes its measured figures to.

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "support/process.hpp"
#include "support/serve_process.hpp"

namespace srtgw::test {

/// build/srtgw-impair between 127.0.0.1:<OS-chosen> and `forward_port`.
class ImpairProcess {
 public:
  ImpairProcess(const TempDir& dir, const std::string& tag, int forward_port,
                std::vector<std::string> args);
  /// The port to send to (0 if the relay did not start).
  int port() const { return port_; }
  ChildProcess& process() { return proc_; }

 private:
  ChildProcess proc_;
  int port_ = 0;
};

/// Sends numbered 1316-byte datagrams (7 TS packets; the first carries the number) to
/// host:port at `mbps` from its own thread until stopped. Datagram i is always the same bytes.
class SequenceSource {
 public:
  SequenceSource(int port, double mbps, uint32_t seed = 1);
  ~SequenceSource();
  void stop();
  uint64_t sent() const { return sent_.load(); }
  /// The bytes of datagram i.
  static std::string datagram(uint64_t i, uint32_t seed);

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

/// Receives numbered datagrams and checks them against SequenceSource::datagram.
class SequenceSink {
 public:
  /// `verify` false: counts datagrams only (a shared sink for many streams).
  explicit SequenceSink(uint32_t seed = 1, bool verify = true);
  ~SequenceSink();
  int port() const { return port_; }
  uint64_t received() const { return received_.load(); }
  /// Datagrams that were not the next expected one, or whose bytes were wrong.
  uint64_t outOfOrder() const { return out_of_order_.load(); }
  uint64_t corrupt() const { return corrupt_.load(); }
  /// Highest number seen + 1.
  uint64_t next() const { return next_.load(); }

 private:
  void run();
  uint32_t seed_;
  bool verify_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> out_of_order_{0};
  std::atomic<uint64_t> corrupt_{0};
  std::atomic<uint64_t> next_{0};
  std::thread thread_;
};

/// Threads, open fds and resident memory of a process, from /proc.
struct ProcFigures {
  int threads = 0;
  int fds = 0;
  long rss_kib = 0;
};
ProcFigures procFigures(int pid);

/// How many 1316-byte datagrams of `sent` are missing from `received` (as whole datagrams).
size_t missingDatagrams(const std::string& sent, const std::string& received);

/// Appends one JSON line to resilience-results.jsonl in the build directory and prints it.
void recordResult(const nlohmann::json& line);

std::string impairBinary();
std::string port(int p);
int64_t nowMs();  // wall clock, the clock of srtgw's event times

/// The newest `type` event (e.g. "output.state") of stream `id` whose data.state is `state`
/// and whose time is at or after `since_ms`; null when none.
nlohmann::json findStateEvent(ServeProcess& gw, const std::string& type, int64_t id,
                              const std::string& state, int64_t since_ms);

}  // namespace srtgw::test
