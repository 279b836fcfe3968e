#pragma once
// The data plane's facade: the only engine type the control plane and the relay use.
// Create, update and remove inputs and outputs at runtime; read a statistics snapshot.
//
// Threads: `srt-wN` (SRT workers), `udp-wN` (UDP workers), `stats` (sampler), plus
// libsrt's own. All public methods are for control threads and are serialized internally.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/named_thread.hpp"
#include "core/result.hpp"
#include "engine/spec.hpp"
#include "engine/stats.hpp"
#include "engine/status.hpp"
#include "engine/udp_coalesce.hpp"
#include "srt/runtime.hpp"
#include "ts/analysis_snapshot.hpp"

namespace srtgw::engine {

class Input;
class Output;
struct OutputSet;
class SrtWorker;
class UdpWorker;
class TsMonitor;

struct EngineConfig {
  int srt_workers = 1;
  int udp_workers = 1;
  int stats_interval_ms = 1000;
  bool analyze_ts = true;  // TR 101 290 analysis of every input
  // A UDP input that was read is left unread this long, so that a busy input is read in
  // batches, not one wake-up per datagram (0: read at every arrival). Inputs whose outputs
  // are all SRT use the second value, capped by their outputs' latency (udp_coalesce.hpp).
  int udp_coalesce_us = kDefaultUdpCoalesceUs;
  int srt_coalesce_us = kDefaultSrtCoalesceUs;
  EventSink on_event;  // called from worker threads; must not block
};

class Engine {
 public:
  explicit Engine(EngineConfig cfg);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Runs every worker thread under SCHED_FIFO at `priority` (core/realtime.hpp), and with
  /// them libsrt's threads of the sockets they open from then on: call it before adding
  /// inputs and outputs. Errors: a priority outside 1..99, or not permitted (not root).
  core::Result<void> useRealtimePriority(int priority);

  /// Validates and starts an input. Errors: invalid spec, id taken, address in use.
  core::Result<void> addInput(const InputSpec& spec);
  /// Restarts the input with the new spec; its outputs (and their SRT clients) stay up.
  /// When the new spec cannot start, the old one is restored and the error returned.
  core::Result<void> updateInput(const InputSpec& spec);
  /// Stops and removes the input and all its outputs.
  core::Result<void> removeInput(const std::string& id);

  /// Starts an output and attaches it to its input without interrupting anything else.
  core::Result<void> addOutput(const OutputSpec& spec);
  /// Restarts this output only. On failure the old output is restored.
  core::Result<void> updateOutput(const OutputSpec& spec);
  core::Result<void> removeOutput(const std::string& id);

  /// Start-up: adds many inputs at once, starting them in parallel (an SRT worker answers
  /// commands within its 20 ms tick, so one at a time would take n ticks). One result per
  /// spec, in order.
  std::vector<core::Result<void>> addInputs(const std::vector<InputSpec>& specs);
  /// Start-up: adds many outputs at once (their inputs must exist), in parallel.
  std::vector<core::Result<void>> addOutputs(const std::vector<OutputSpec>& specs);

  /// The latest snapshot (sampled every stats_interval_ms); never null.
  std::shared_ptr<const EngineStats> stats() const;
  /// Samples now and publishes the result as the latest snapshot.
  std::shared_ptr<const EngineStats> sampleNow();

  /// The input's latest TS analysis (published every second; null before any data).
  std::shared_ptr<const ts::AnalysisSnapshot> analysis(const std::string& input_id) const;
  /// Clears the input's analysis counters; false for an unknown input.
  bool resetAnalysis(const std::string& input_id);

 private:
  struct InputEntry {
    std::unique_ptr<Input> input;
    std::vector<std::shared_ptr<Output>> outputs;
  };

  std::unique_ptr<Input> newInput(const InputSpec& spec);  // with its analysis tap
  std::shared_ptr<Output> newOutput(const OutputSpec& spec);
  void publish_locked(InputEntry& entry);
  std::shared_ptr<const EngineStats> sample_locked();
  void samplerLoop(std::stop_token st);

  EngineConfig cfg_;
  srt::Runtime srt_runtime_;
  std::vector<std::unique_ptr<SrtWorker>> srt_workers_;
  std::vector<std::unique_ptr<UdpWorker>> udp_workers_;
  size_t next_srt_ = 0;  // guarded by mu_
  size_t next_udp_ = 0;  // guarded by mu_

  mutable std::mutex mu_;
  std::map<std::string, InputEntry> inputs_;             // guarded by mu_
  std::map<std::string, std::string> output_to_input_;   // guarded by mu_

  std::unique_ptr<TsMonitor> ts_monitor_;  // null when analysis is off

  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const EngineStats> snapshot_;  // guarded by snapshot_mu_

  core::NamedThread sampler_;  // last: stops first
};

}  // namespace srtgw::engine
