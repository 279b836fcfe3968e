#include "engine/engine.hpp"

#include <algorithm>
#include <condition_variable>
#include <thread>
#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/realtime.hpp"
#include "engine/input.hpp"
#include "engine/output.hpp"
#include "engine/srt_worker.hpp"
#include "engine/ts_monitor.hpp"
#include "engine/udp_worker.hpp"

namespace srtgw::engine {

using core::Errc;
using core::makeError;

namespace {

// libsrt frees a closed listener's port only when its garbage collector gets to the socket,
// up to a second or so later: an SRT listener started again on the port it just left (an
// update, a restart, a quick stop and start) would fail with "address in use". It retries
// for a moment instead, on the calling (control-plane) thread; a port held by another
// program still fails, after kPortRetry.
constexpr auto kPortRetry = std::chrono::milliseconds(3000);
constexpr auto kPortRetryStep = std::chrono::milliseconds(50);

template <typename Startable>
core::Result<void> startRetryingPort(const EndpointSpec& ep, Startable& s) {
  auto r = s.start();
  const auto deadline = std::chrono::steady_clock::now() + kPortRetry;
  while (!r && ep.isSrtListener() && r.error().code == Errc::kAddressInUse &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPortRetryStep);
    r = s.start();
  }
  return r;
}

}  // namespace

Engine::Engine(EngineConfig cfg) : cfg_(std::move(cfg)) {
  const int srt_n = std::max(1, cfg_.srt_workers);
  const int udp_n = std::max(1, cfg_.udp_workers);
  for (int i = 0; i < srt_n; ++i) {
    srt_workers_.push_back(std::make_unique<SrtWorker>(fmt::format("srt-w{}", i)));
  }
  for (int i = 0; i < udp_n; ++i) {
    udp_workers_.push_back(std::make_unique<UdpWorker>(fmt::format("udp-w{}", i)));
  }
  if (cfg_.analyze_ts) {
    ts_monitor_ = std::make_unique<TsMonitor>(&cfg_.on_event);
  }
  snapshot_ = std::make_shared<EngineStats>();
  sampler_ = core::NamedThread("stats", [this](std::stop_token st) { samplerLoop(st); });
}

core::Result<void> Engine::useRealtimePriority(int priority) {
  const auto apply = [priority] { return core::makeThisThreadRealtime(priority); };
  for (auto& w : srt_workers_) {
    if (auto r = w->call(apply); !r) {
      return r;
    }
  }
  for (auto& w : udp_workers_) {
    if (auto r = w->call(apply); !r) {
      return r;
    }
  }
  return core::ok();
}

Engine::~Engine() {
  sampler_.stopAndJoin();
  std::lock_guard lock(mu_);
  for (auto& [id, entry] : inputs_) {
    entry.input->stop();
    for (auto& o : entry.outputs) {
      o->stop();
    }
  }
  inputs_.clear();
}

std::unique_ptr<Input> Engine::newInput(const InputSpec& spec) {
  auto& srt_worker = *srt_workers_[next_srt_++ % srt_workers_.size()];
  auto& udp_worker = *udp_workers_[next_udp_++ % udp_workers_.size()];
  auto input = makeInput(spec, srt_worker, udp_worker, &cfg_.on_event);
  if (ts_monitor_) {
    // The same tap across updates of the input: its analysis carries on.
    input->setTap(ts_monitor_->attach(spec.id));
  }
  return input;
}

std::shared_ptr<Output> Engine::newOutput(const OutputSpec& spec) {
  auto& manager = *srt_workers_[next_srt_++ % srt_workers_.size()];
  return makeOutput(spec, manager, &cfg_.on_event);
}

void Engine::publish_locked(InputEntry& entry) {
  auto next = std::make_shared<OutputSet>();
  next->outputs = entry.outputs;
  std::vector<const EndpointSpec*> endpoints;
  endpoints.reserve(entry.outputs.size());
  for (const auto& o : entry.outputs) {
    endpoints.push_back(&o->spec().endpoint);
  }
  next->read_hold_us = readHoldUs(endpoints, cfg_.udp_coalesce_us, cfg_.srt_coalesce_us);
  std::shared_ptr<const OutputSet> previous;
  entry.input->runOnWorker([&] { previous = entry.input->swapOutputs(std::move(next)); });
  // `previous` is released here, on the control thread, after the worker let go of it.
}

core::Result<void> Engine::addInput(const InputSpec& spec) {
  if (spec.id.empty()) {
    return makeError(Errc::kInvalidArgument, "an input needs an id", "id");
  }
  if (auto r = spec.endpoint.validate(true); !r) {
    return r;
  }
  std::lock_guard lock(mu_);
  if (inputs_.count(spec.id) != 0) {
    return makeError(Errc::kConflict, fmt::format("input '{}' exists already", spec.id), "id");
  }
  auto input = newInput(spec);
  if (auto r = startRetryingPort(spec.endpoint, *input); !r) {
    if (ts_monitor_) {
      ts_monitor_->detach(spec.id);
    }
    return r;
  }
  auto& entry = inputs_[spec.id];
  entry.input = std::move(input);
  // An empty snapshot still carries the read hold of an input without outputs.
  publish_locked(entry);
  return core::ok();
}

core::Result<void> Engine::updateInput(const InputSpec& spec) {
  if (auto r = spec.endpoint.validate(true); !r) {
    return r;
  }
  std::lock_guard lock(mu_);
  auto it = inputs_.find(spec.id);
  if (it == inputs_.end()) {
    return makeError(Errc::kNotFound, fmt::format("no input '{}'", spec.id), "id");
  }
  auto& entry = it->second;
  // The old input must let go of its port before the new one binds it.
  entry.input->stop();
  auto fresh = newInput(spec);
  auto started = startRetryingPort(spec.endpoint, *fresh);
  if (!started) {
    // Put back what ran before; the caller gets the reason the new spec failed.
    if (auto again = startRetryingPort(entry.input->spec().endpoint, *entry.input); !again) {
      spdlog::error("input {}: could not restore after a failed update: {}", spec.id,
                    again.error().message);
    }
    publish_locked(entry);
    return started;
  }
  entry.input = std::move(fresh);
  publish_locked(entry);
  return core::ok();
}

core::Result<void> Engine::removeInput(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = inputs_.find(id);
  if (it == inputs_.end()) {
    return makeError(Errc::kNotFound, fmt::format("no input '{}'", id), "id");
  }
  it->second.input->stop();
  for (auto& o : it->second.outputs) {
    o->stop();
    output_to_input_.erase(o->spec().id);
  }
  inputs_.erase(it);
  if (ts_monitor_) {
    ts_monitor_->detach(id);
  }
  return core::ok();
}

core::Result<void> Engine::addOutput(const OutputSpec& spec) {
  if (spec.id.empty()) {
    return makeError(Errc::kInvalidArgument, "an output needs an id", "id");
  }
  if (auto r = spec.endpoint.validate(false); !r) {
    return r;
  }
  std::lock_guard lock(mu_);
  auto it = inputs_.find(spec.input_id);
  if (it == inputs_.end()) {
    return makeError(Errc::kNotFound, fmt::format("no input '{}'", spec.input_id), "input_id");
  }
  if (output_to_input_.count(spec.id) != 0) {
    return makeError(Errc::kConflict, fmt::format("output '{}' exists already", spec.id), "id");
  }
  auto out = newOutput(spec);
  if (auto r = startRetryingPort(spec.endpoint, *out); !r) {
    return r;
  }
  it->second.outputs.push_back(std::move(out));
  output_to_input_[spec.id] = spec.input_id;
  publish_locked(it->second);
  return core::ok();
}

core::Result<void> Engine::updateOutput(const OutputSpec& spec) {
  if (auto r = spec.endpoint.validate(false); !r) {
    return r;
  }
  std::lock_guard lock(mu_);
  auto owner = output_to_input_.find(spec.id);
  if (owner == output_to_input_.end()) {
    return makeError(Errc::kNotFound, fmt::format("no output '{}'", spec.id), "id");
  }
  if (owner->second != spec.input_id) {
    return makeError(Errc::kInvalidArgument, "an output cannot move to another input", "input_id");
  }
  auto& entry = inputs_.at(owner->second);
  auto pos = std::find_if(entry.outputs.begin(), entry.outputs.end(),
                          [&](const auto& o) { return o->spec().id == spec.id; });
  std::shared_ptr<Output> old = *pos;
  // Detach first so the input stops sending to it, then free its port for the new one.
  entry.outputs.erase(pos);
  publish_locked(entry);
  old->stop();
  auto fresh = newOutput(spec);
  auto started = startRetryingPort(spec.endpoint, *fresh);
  if (!started) {
    if (auto again = startRetryingPort(old->spec().endpoint, *old); !again) {
      spdlog::error("output {}: could not restore after a failed update: {}", spec.id,
                    again.error().message);
    }
    entry.outputs.push_back(std::move(old));
    publish_locked(entry);
    return started;
  }
  entry.outputs.push_back(std::move(fresh));
  publish_locked(entry);
  return core::ok();
}

core::Result<void> Engine::removeOutput(const std::string& id) {
  std::lock_guard lock(mu_);
  auto owner = output_to_input_.find(id);
  if (owner == output_to_input_.end()) {
    return makeError(Errc::kNotFound, fmt::format("no output '{}'", id), "id");
  }
  auto& entry = inputs_.at(owner->second);
  auto pos = std::find_if(entry.outputs.begin(), entry.outputs.end(),
                          [&](const auto& o) { return o->spec().id == id; });
  std::shared_ptr<Output> old = *pos;
  entry.outputs.erase(pos);
  publish_locked(entry);
  old->stop();
  output_to_input_.erase(owner);
  return core::ok();
}

namespace {

// Runs fn(i) for i in [0, n) on up to kParallel threads; for start-up work that mostly
// waits on worker threads.
template <typename Fn>
void forEachParallel(size_t n, Fn fn) {
  constexpr size_t kParallel = 32;
  const size_t lanes = std::min(n, kParallel);
  std::vector<std::thread> threads;
  threads.reserve(lanes);
  for (size_t lane = 0; lane < lanes; ++lane) {
    threads.emplace_back([&, lane] {
      for (size_t i = lane; i < n; i += lanes) {
        fn(i);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

}  // namespace

std::vector<core::Result<void>> Engine::addInputs(const std::vector<InputSpec>& specs) {
  std::vector<core::Result<void>> results(specs.size());
  std::vector<std::unique_ptr<Input>> made(specs.size());
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < specs.size(); ++i) {
    if (auto r = specs[i].endpoint.validate(true); !r) {
      results[i] = r;
    } else if (specs[i].id.empty() || inputs_.count(specs[i].id) != 0) {
      results[i] = makeError(Errc::kConflict, fmt::format("input '{}' exists already", specs[i].id), "id");
    } else {
      made[i] = newInput(specs[i]);
    }
  }
  forEachParallel(specs.size(), [&](size_t i) {
    if (made[i]) {
      results[i] = made[i]->start();
    }
  });
  for (size_t i = 0; i < specs.size(); ++i) {
    if (made[i] && results[i].ok()) {
      inputs_[specs[i].id].input = std::move(made[i]);
    } else if (made[i] && ts_monitor_) {
      ts_monitor_->detach(specs[i].id);
    }
  }
  return results;
}

std::vector<core::Result<void>> Engine::addOutputs(const std::vector<OutputSpec>& specs) {
  std::vector<core::Result<void>> results(specs.size());
  std::vector<std::shared_ptr<Output>> made(specs.size());
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < specs.size(); ++i) {
    if (auto r = specs[i].endpoint.validate(false); !r) {
      results[i] = r;
    } else if (inputs_.count(specs[i].input_id) == 0) {
      results[i] = makeError(Errc::kNotFound, fmt::format("no input '{}'", specs[i].input_id), "input_id");
    } else if (specs[i].id.empty() || output_to_input_.count(specs[i].id) != 0) {
      results[i] = makeError(Errc::kConflict, fmt::format("output '{}' exists already", specs[i].id), "id");
    } else {
      made[i] = newOutput(specs[i]);
    }
  }
  forEachParallel(specs.size(), [&](size_t i) {
    if (made[i]) {
      results[i] = made[i]->start();
    }
  });
  std::vector<InputEntry*> touched;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (made[i] && results[i].ok()) {
      auto& entry = inputs_.at(specs[i].input_id);
      entry.outputs.push_back(std::move(made[i]));
      output_to_input_[specs[i].id] = specs[i].input_id;
      if (std::find(touched.begin(), touched.end(), &entry) == touched.end()) {
        touched.push_back(&entry);
      }
    }
  }
  forEachParallel(touched.size(), [&](size_t i) { publish_locked(*touched[i]); });
  return results;
}

std::shared_ptr<const ts::AnalysisSnapshot> Engine::analysis(const std::string& input_id) const {
  return ts_monitor_ ? ts_monitor_->snapshot(input_id) : nullptr;
}

bool Engine::resetAnalysis(const std::string& input_id) {
  return ts_monitor_ && ts_monitor_->reset(input_id);
}

std::shared_ptr<const EngineStats> Engine::stats() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

std::shared_ptr<const EngineStats> Engine::sampleNow() {
  std::lock_guard lock(mu_);
  return sample_locked();
}

std::shared_ptr<const EngineStats> Engine::sample_locked() {
  auto snap = std::make_shared<EngineStats>();
  snap->taken_at_ms = core::wallNowMs();
  const int64_t now = core::steadyNowMs();
  for (auto& [id, entry] : inputs_) {
    InputStats in;
    entry.input->fillStats(in, now);
    for (auto& o : entry.outputs) {
      EndpointStats os;
      o->fillStats(os, now);
      in.outputs.push_back(std::move(os));
    }
    snap->inputs.push_back(std::move(in));
  }
  std::lock_guard lock(snapshot_mu_);
  snapshot_ = snap;
  return snap;
}

void Engine::samplerLoop(std::stop_token st) {
  std::mutex m;
  std::condition_variable_any cv;
  const auto interval = std::chrono::milliseconds(std::max(50, cfg_.stats_interval_ms));
  while (!st.stop_requested()) {
    {
      std::unique_lock lock(m);
      cv.wait_for(lock, st, interval, [] { return false; });
    }
    if (st.stop_requested()) {
      break;
    }
    sampleNow();
  }
}

}  // namespace srtgw::engine
