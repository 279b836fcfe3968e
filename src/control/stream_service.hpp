#pragma once
// The operations behind /api/v1/inputs and /api/v1/outputs. Intent lives in SQLite, state
// in the engine; every change is committed before it is acknowledged, and a rejected
// request changes nothing that is stored or running.
//
// Threads: any HTTP thread may call; operations are serialized by one mutex. A `retry`
// thread restarts enabled streams that could not start (e.g. a port taken by another
// process) every few seconds.

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "control/event_bus.hpp"
#include "control/metrics.hpp"
#include "control/reply.hpp"
#include "control/stream_config.hpp"
#include "control/system_info.hpp"
#include "core/named_thread.hpp"
#include "engine/engine.hpp"
#include "store/stream_store.hpp"

namespace srtgw::control {

struct Page {
  int64_t page = 1;
  int64_t per_page = 50;
};

class StreamService {
 public:
  /// `events` may be null (no configuration events are published then).
  StreamService(store::Db& db, engine::Engine& engine, std::string version,
                EventBus* events = nullptr);
  ~StreamService();

  /// Start-up: loads every stored stream and starts the enabled ones. Streams that cannot
  /// start show state `error` and are retried.
  void restore();

  Reply listInputs(const Page& page);
  Reply getInput(int64_t id);
  Reply createInput(const nlohmann::json& body);
  Reply replaceInput(int64_t id, const nlohmann::json& body);
  Reply patchInput(int64_t id, const nlohmann::json& patch);
  Reply deleteInput(int64_t id);
  Reply inputAction(int64_t id, const std::string& action);  // start | stop | restart
  Reply inputStats(int64_t id);
  Reply outputsOf(int64_t id, const Page& page);
  Reply inputAnalysis(int64_t id);
  Reply resetInputAnalysis(int64_t id);

  Reply listOutputs(const Page& page);
  Reply getOutput(int64_t id);
  Reply createOutput(const nlohmann::json& body);
  Reply replaceOutput(int64_t id, const nlohmann::json& body);
  Reply patchOutput(int64_t id, const nlohmann::json& patch);
  Reply deleteOutput(int64_t id);
  Reply outputAction(int64_t id, const std::string& action);
  Reply outputStats(int64_t id);

  Reply status();
  /// The live feed's snapshot: ("input:1", statistics JSON) for every running stream.
  std::vector<std::pair<std::string, std::string>> feedSnapshot(int64_t& time_ms);
  /// The Prometheus scrape (text format 0.0.4).
  std::string metrics(MetricsContext extra = {});

 private:
  struct Known {
    std::string name;
    bool enabled = true;
    int64_t input_id = 0;  // outputs
    nlohmann::json config;
    engine::EndpointSpec endpoint;
    bool running = false;
    std::string error;  // why an enabled stream is not running
    // False when the stored document no longer validates (then `endpoint` is a default
    // and must never be started); a valid PUT/PATCH makes it true again.
    bool valid = true;
  };

  Reply applyInput_locked(int64_t id, StreamDoc doc);
  Reply applyOutput_locked(int64_t id, StreamDoc doc);
  Reply startInputTree_locked(int64_t id);
  void stopInputTree_locked(int64_t id);
  core::Result<void> startOutput_locked(int64_t id);
  std::optional<Reply> checkPorts_locked(StreamKind kind, int64_t self,
                                         const engine::EndpointSpec& spec);
  nlohmann::json view_locked(StreamKind kind, int64_t id);
  void retryLoop(std::stop_token st);
  void configEvent(const char* what, StreamKind kind, int64_t id, const std::string& name,
                   int64_t input_id);

  store::StreamStore store_;
  engine::Engine& engine_;
  EventBus* events_;
  const std::string version_;
  const int64_t started_ms_;

  std::mutex mu_;
  std::map<int64_t, Known> inputs_;   // guarded by mu_
  std::map<int64_t, Known> outputs_;  // guarded by mu_
  CpuMeter cpu_;                      // guarded by mu_

  core::NamedThread retry_;
};

/// engine errors as replies: address in use -> 409, invalid -> 400, else 500.
Reply engineFailure(const core::Error& e, const std::string& port_field);

}  // namespace srtgw::control
