#include "control/stream_service.hpp"

#include <condition_variable>
#include <fmt/format.h>

#include "control/analysis_json.hpp"
#include "control/metrics.hpp"
#include "control/port_registry.hpp"
#include "control/stats_json.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "srt/runtime.hpp"

namespace srtgw::control {

using nlohmann::json;
using core::Errc;

namespace {

constexpr int kRetryIntervalMs = 2000;

std::string key(int64_t id) { return std::to_string(id); }

Reply invalid(std::vector<FieldError> errors) {
  std::string detail = errors.size() == 1 ? errors[0].field + ": " + errors[0].message
                                          : fmt::format("{} fields are invalid", errors.size());
  return Reply::fail(400, "Invalid request", detail, std::move(errors));
}

Reply notFound(const char* what, int64_t id) {
  return Reply::fail(404, "Not Found", fmt::format("no {} with id {}", what, id));
}

Reply storeFailure(const core::Error& e) {
  spdlog::error("store: {}", e.message);
  return Reply::fail(500, "Storage failure", "the change could not be stored");
}

const engine::EndpointStats* findOutputStats(const engine::EngineStats& s, const std::string& id) {
  for (const auto& in : s.inputs) {
    for (const auto& o : in.outputs) {
      if (o.id == id) {
        return &o;
      }
    }
  }
  return nullptr;
}

const engine::InputStats* findInputStats(const engine::EngineStats& s, const std::string& id) {
  for (const auto& in : s.inputs) {
    if (in.id == id) {
      return &in;
    }
  }
  return nullptr;
}

json paged(json items, int64_t total, const Page& p) {
  return json{{"items", std::move(items)}, {"total", total}, {"page", p.page}, {"per_page", p.per_page}};
}

}  // namespace

Reply engineFailure(const core::Error& e, const std::string& port_field) {
  switch (e.code) {
    case Errc::kAddressInUse:
      return Reply::fail(409, "Address in use", e.message, {{port_field, e.message}});
    case Errc::kInvalidArgument:
    case Errc::kSrt:
      return invalid({{e.field.empty() ? std::string("body") : e.field, e.message}});
    case Errc::kConflict:
      return Reply::fail(409, "Conflict", e.message);
    default:
      return Reply::fail(500, "Could not start", e.message);
  }
}

StreamService::StreamService(store::Db& db, engine::Engine& engine, std::string version,
                             EventBus* events)
    : store_(db),
      engine_(engine),
      events_(events),
      version_(std::move(version)),
      started_ms_(core::wallNowMs()) {}

void StreamService::configEvent(const char* what, StreamKind kind, int64_t id,
                                const std::string& name, int64_t input_id) {
  if (events_ == nullptr) {
    return;
  }
  // Names and ids only: a configuration may hold a passphrase.
  const bool is_input = kind == StreamKind::kInput;
  Event e;
  e.type = std::string("config.") + what;
  e.input_id = is_input ? id : input_id;
  e.output_id = is_input ? 0 : id;
  e.message = fmt::format("{} {} \"{}\" {}", is_input ? "input" : "output", id, name, what);
  e.data = json{{"kind", is_input ? "input" : "output"}, {"id", id}, {"name", name}};
  events_->publish(std::move(e));
}

StreamService::~StreamService() { retry_.stopAndJoin(); }

// ---------- start-up ----------

void StreamService::restore() {
  std::lock_guard lock(mu_);
  auto ins = store_.listInputs();
  auto outs = store_.listOutputs();
  if (!ins || !outs) {
    spdlog::error("cannot read the stored streams: {}",
                  (!ins ? ins.error() : outs.error()).message);
  } else {
    for (const auto& rec : *ins) {
      std::vector<FieldError> errors;
      auto doc = parseStreamDoc(StreamKind::kInput,
                                fullDocument(StreamKind::kInput, rec.name, rec.enabled, 0,
                                             json::parse(rec.config, nullptr, false)),
                                errors);
      Known k;
      k.name = rec.name;
      k.enabled = rec.enabled;
      k.config = json::parse(rec.config, nullptr, false);
      if (doc) {
        k.endpoint = doc->endpoint;
      } else {
        k.valid = false;
        k.error = "stored configuration is no longer valid: " +
                  (errors.empty() ? std::string() : errors[0].field + " " + errors[0].message);
      }
      inputs_[rec.id] = std::move(k);
    }
    for (const auto& rec : *outs) {
      std::vector<FieldError> errors;
      auto cfg = json::parse(rec.config, nullptr, false);
      auto doc = parseStreamDoc(StreamKind::kOutput,
                                fullDocument(StreamKind::kOutput, rec.name, rec.enabled,
                                             rec.input_id, cfg),
                                errors);
      Known k;
      k.name = rec.name;
      k.enabled = rec.enabled;
      k.input_id = rec.input_id;
      k.config = cfg;
      if (doc) {
        k.endpoint = doc->endpoint;
      } else {
        k.valid = false;
        k.error = "stored configuration is no longer valid";
      }
      outputs_[rec.id] = std::move(k);
    }
    // Everything starts at once: restoring hundreds of streams must take well under 2 s.
    const int64_t t0 = core::steadyNowMs();
    std::vector<engine::InputSpec> in_specs;
    std::vector<int64_t> in_ids;
    for (auto& [id, k] : inputs_) {
      if (k.enabled && k.valid) {
        in_specs.push_back(engine::InputSpec{key(id), k.name, k.endpoint});
        in_ids.push_back(id);
      }
    }
    auto in_results = engine_.addInputs(in_specs);
    int started = 0;
    for (size_t i = 0; i < in_ids.size(); ++i) {
      Known& k = inputs_.at(in_ids[i]);
      k.running = in_results[i].ok();
      if (!k.running) {
        k.error = in_results[i].error().message;
        spdlog::warn("input {} cannot start: {} (retrying)", in_ids[i], k.error);
      }
      started += k.running ? 1 : 0;
    }
    std::vector<engine::OutputSpec> out_specs;
    std::vector<int64_t> out_ids;
    for (auto& [id, o] : outputs_) {
      if (o.enabled && o.valid && inputs_.count(o.input_id) != 0 &&
          inputs_.at(o.input_id).running) {
        out_specs.push_back(engine::OutputSpec{key(id), key(o.input_id), o.name, o.endpoint});
        out_ids.push_back(id);
      }
    }
    auto out_results = engine_.addOutputs(out_specs);
    int out_started = 0;
    for (size_t i = 0; i < out_ids.size(); ++i) {
      Known& o = outputs_.at(out_ids[i]);
      o.running = out_results[i].ok();
      if (!o.running) {
        o.error = out_results[i].error().message;
        spdlog::warn("output {} cannot start: {} (retrying)", out_ids[i], o.error);
      }
      out_started += o.running ? 1 : 0;
    }
    spdlog::info("restored {} inputs ({} running) and {} outputs ({} running) in {} ms",
                 inputs_.size(), started, outputs_.size(), out_started,
                 core::steadyNowMs() - t0);
  }
  engine_.sampleNow();
  retry_ = core::NamedThread("retry", [this](std::stop_token st) { retryLoop(st); });
}

void StreamService::retryLoop(std::stop_token st) {
  std::mutex m;
  std::condition_variable_any cv;
  while (!st.stop_requested()) {
    {
      std::unique_lock lock(m);
      cv.wait_for(lock, st, std::chrono::milliseconds(kRetryIntervalMs), [] { return false; });
    }
    if (st.stop_requested()) {
      return;
    }
    std::lock_guard lock(mu_);
    bool changed = false;
    for (auto& [id, k] : inputs_) {
      if (k.enabled && k.valid && !k.running) {
        startInputTree_locked(id);
        changed = changed || k.running;
      } else if (k.running) {
        for (auto& [oid, o] : outputs_) {
          if (o.input_id == id && o.enabled && o.valid && !o.running) {
            auto r = startOutput_locked(oid);
            changed = changed || r.ok();
          }
        }
      }
    }
    if (changed) {
      engine_.sampleNow();
    }
  }
}

// ---------- running ----------

Reply StreamService::startInputTree_locked(int64_t id) {
  auto& k = inputs_.at(id);
  if (!k.valid) {
    return Reply::fail(409, "Invalid stored configuration",
                       k.error + "; replace it with PUT /api/v1/inputs/" + key(id));
  }
  if (!k.running) {
    auto r = engine_.addInput(engine::InputSpec{key(id), k.name, k.endpoint});
    if (!r) {
      k.error = r.error().message;
      return engineFailure(r.error(), "listen_port");
    }
    k.running = true;
    k.error.clear();
  }
  for (auto& [oid, o] : outputs_) {
    if (o.input_id == id && o.enabled && o.valid && !o.running) {
      (void)startOutput_locked(oid);
    }
  }
  return Reply::ok(json::object());
}

void StreamService::stopInputTree_locked(int64_t id) {
  auto& k = inputs_.at(id);
  if (k.running) {
    (void)engine_.removeInput(key(id));  // takes its outputs with it
  }
  k.running = false;
  k.error.clear();
  for (auto& [oid, o] : outputs_) {
    if (o.input_id == id) {
      o.running = false;
    }
  }
}

core::Result<void> StreamService::startOutput_locked(int64_t id) {
  auto& o = outputs_.at(id);
  if (!o.valid) {
    return core::makeError(Errc::kConflict, o.error);
  }
  auto r = engine_.addOutput(engine::OutputSpec{key(id), key(o.input_id), o.name, o.endpoint});
  if (!r) {
    o.error = r.error().message;
    return r;
  }
  o.running = true;
  o.error.clear();
  return core::ok();
}

std::optional<Reply> StreamService::checkPorts_locked(StreamKind kind, int64_t self,
                                                      const engine::EndpointSpec& spec) {
  const auto mine = portClaims(kind == StreamKind::kInput, spec);
  if (mine.empty()) {
    return std::nullopt;
  }
  auto check = [&](const std::map<int64_t, Known>& all, bool inputs) -> std::optional<Reply> {
    for (const auto& [id, k] : all) {
      if (id == self && (kind == StreamKind::kInput) == inputs) {
        continue;
      }
      for (const auto& theirs : portClaims(inputs, k.endpoint)) {
        for (const auto& m : mine) {
          if (clashes(m, theirs)) {
            std::string holder =
                fmt::format("{} {} (\"{}\")", inputs ? "input" : "output", id, k.name);
            std::string msg = fmt::format("port {} is already used by {}", m.port, holder);
            const char* field = spec.transport == engine::Transport::kSrt &&
                                        spec.mode != engine::SrtMode::kListener
                                    ? (spec.mode == engine::SrtMode::kRendezvous ? "listen_port"
                                                                                  : "local_port")
                                    : (kind == StreamKind::kOutput &&
                                               spec.transport == engine::Transport::kUdp
                                           ? "local_addr"
                                           : "listen_port");
            return Reply::fail(409, "Port conflict", msg, {{field, msg}});
          }
        }
      }
    }
    return std::nullopt;
  };
  if (auto r = check(inputs_, true)) return r;
  return check(outputs_, false);
}

// ---------- views ----------

json StreamService::view_locked(StreamKind kind, int64_t id) {
  const bool is_input = kind == StreamKind::kInput;
  const Known& k = is_input ? inputs_.at(id) : outputs_.at(id);
  json v = publicView(kind, id, k.name, k.enabled, k.input_id, k.config);
  auto snap = engine_.stats();
  const engine::EndpointStats* live =
      is_input ? static_cast<const engine::EndpointStats*>(findInputStats(*snap, key(id)))
               : findOutputStats(*snap, key(id));
  if (k.running && live != nullptr) {
    v["state"] = engine::toString(live->state);
    if (!live->error_message.empty()) v["error_message"] = live->error_message;
    v["local_port"] = live->local_port;
    if (!live->peer.empty()) v["peer"] = live->peer;
    v["bitrate_bps"] = live->bitrate_bps;
    v["packets"] = live->packets;
    v["bytes"] = live->bytes;
    if (!is_input) v["connected_clients"] = live->connected_clients;
  } else if (k.enabled && !k.error.empty()) {
    v["state"] = "error";
    v["error_message"] = k.error;
  } else if (k.enabled && !is_input && !inputs_.at(k.input_id).running) {
    v["state"] = "stopped";
    v["error_message"] = "its input is not running";
  } else {
    v["state"] = k.running ? "connecting" : "stopped";
  }
  if (is_input) {
    auto analysis = k.running ? engine_.analysis(key(id)) : nullptr;
    v["ts"] = analysisSummary(analysis.get());
  }
  return v;
}

// ---------- inputs ----------

Reply StreamService::listInputs(const Page& p) {
  std::lock_guard lock(mu_);
  json items = json::array();
  int64_t skip = (p.page - 1) * p.per_page;
  for (const auto& [id, k] : inputs_) {
    if (skip-- > 0) continue;
    if (static_cast<int64_t>(items.size()) >= p.per_page) break;
    items.push_back(view_locked(StreamKind::kInput, id));
  }
  return Reply::ok(paged(std::move(items), static_cast<int64_t>(inputs_.size()), p));
}

Reply StreamService::getInput(int64_t id) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  return Reply::ok(view_locked(StreamKind::kInput, id));
}

Reply StreamService::createInput(const json& body) {
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kInput, body, errors);
  if (!doc) return invalid(std::move(errors));
  std::lock_guard lock(mu_);
  if (auto clash = checkPorts_locked(StreamKind::kInput, 0, doc->endpoint)) return *clash;
  auto rec = store_.createInput(store::InputRecord{0, doc->name, doc->enabled, doc->config.dump(), 0, 0});
  if (!rec) return storeFailure(rec.error());
  const int64_t id = rec->id;
  Known k{doc->name, doc->enabled, 0, doc->config, doc->endpoint, false, {}};
  if (doc->enabled) {
    auto r = engine_.addInput(engine::InputSpec{key(id), k.name, k.endpoint});
    if (!r) {
      // Nothing may stay behind from a rejected request.
      (void)store_.deleteInput(id);
      return engineFailure(r.error(), "listen_port");
    }
    k.running = true;
  }
  configEvent("created", StreamKind::kInput, id, k.name, 0);
  inputs_[id] = std::move(k);
  engine_.sampleNow();
  Reply out = Reply::ok(view_locked(StreamKind::kInput, id), 201);
  out.location = fmt::format("/api/v1/inputs/{}", id);
  return out;
}

Reply StreamService::replaceInput(int64_t id, const json& body) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  json full = body;
  carrySecrets(inputs_.at(id).config, full);
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kInput, full, errors);
  if (!doc) return invalid(std::move(errors));
  return applyInput_locked(id, std::move(*doc));
}

Reply StreamService::patchInput(int64_t id, const json& patch) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  if (!patch.is_object()) return invalid({{"", "a merge patch must be a JSON object"}});
  const auto& k = inputs_.at(id);
  json full = fullDocument(StreamKind::kInput, k.name, k.enabled, 0, k.config);
  mergePatch(full, patch);
  carrySecrets(k.config, full);
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kInput, full, errors);
  if (!doc) return invalid(std::move(errors));
  return applyInput_locked(id, std::move(*doc));
}

Reply StreamService::applyInput_locked(int64_t id, StreamDoc doc) {
  if (auto clash = checkPorts_locked(StreamKind::kInput, id, doc.endpoint)) return *clash;
  Known& k = inputs_.at(id);
  const Known before = k;
  // A new name alone restarts nothing.
  const bool spec_changed = !(doc.endpoint == k.endpoint);
  if (k.running && doc.enabled && spec_changed) {
    // Restarts the input alone; its outputs and their SRT clients stay connected.
    auto r = engine_.updateInput(engine::InputSpec{key(id), doc.name, doc.endpoint});
    if (!r) return engineFailure(r.error(), "listen_port");
  }
  k.name = doc.name;
  k.config = doc.config;
  k.endpoint = doc.endpoint;
  k.valid = true;
  if (!before.valid) {
    k.error.clear();
  }
  if (!before.enabled && doc.enabled) {
    k.enabled = true;
    auto r = startInputTree_locked(id);
    if (r.status >= 400) {
      k = before;
      return r;
    }
  } else if (before.enabled && !doc.enabled) {
    stopInputTree_locked(id);
  } else if (doc.enabled && !k.running) {
    startInputTree_locked(id);  // a stream that failed before gets another go with the new spec
  }
  k.enabled = doc.enabled;
  auto stored = store_.updateInput(store::InputRecord{id, k.name, k.enabled, k.config.dump(), 0, 0});
  if (!stored) {
    // Put the engine back as the database still says.
    if (before.running && k.running && spec_changed) {
      (void)engine_.updateInput(engine::InputSpec{key(id), before.name, before.endpoint});
    } else if (before.running != k.running) {
      if (before.running) {
        k = before;
        k.running = false;
        startInputTree_locked(id);
      } else {
        stopInputTree_locked(id);
      }
    }
    k = before;
    return storeFailure(stored.error());
  }
  configEvent("changed", StreamKind::kInput, id, k.name, 0);
  engine_.sampleNow();
  return Reply::ok(view_locked(StreamKind::kInput, id));
}

Reply StreamService::deleteInput(int64_t id) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  auto r = store_.deleteInput(id);
  if (!r) return storeFailure(r.error());
  stopInputTree_locked(id);
  configEvent("deleted", StreamKind::kInput, id, inputs_.at(id).name, 0);
  inputs_.erase(id);
  std::erase_if(outputs_, [id](const auto& kv) { return kv.second.input_id == id; });
  engine_.sampleNow();
  return Reply::ok(nullptr, 204);
}

Reply StreamService::inputAction(int64_t id, const std::string& action) {
  {
    std::lock_guard lock(mu_);
    if (inputs_.count(id) == 0) return notFound("input", id);
    if (action == "restart") {
      Known& k = inputs_.at(id);
      if (!k.enabled) {
        return Reply::fail(409, "Not running", "a stopped input is started with POST .../start");
      }
      stopInputTree_locked(id);
      auto r = startInputTree_locked(id);
      engine_.sampleNow();
      if (r.status >= 400) return r;
      return Reply::ok(view_locked(StreamKind::kInput, id));
    }
  }
  // start/stop are changes of intent: they persist as `enabled`.
  return patchInput(id, json{{"enabled", action == "start"}});
}

Reply StreamService::inputStats(int64_t id) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  auto snap = engine_.stats();
  if (const auto* s = findInputStats(*snap, key(id))) {
    json j = toJson(static_cast<const engine::EndpointStats&>(*s));
    j["id"] = id;
    j["taken_at_ms"] = snap->taken_at_ms;
    return Reply::ok(std::move(j));
  }
  return Reply::ok(json{{"id", id}, {"state", view_locked(StreamKind::kInput, id)["state"]}});
}

Reply StreamService::inputAnalysis(int64_t id) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  const Known& k = inputs_.at(id);
  auto a = k.running ? engine_.analysis(key(id)) : nullptr;
  if (!a) {
    // Nothing received yet (or not running): say so rather than show empty tables.
    return Reply::ok(json{{"input_id", id},
                          {"available", false},
                          {"message", k.running ? "no data received yet" : "the input is not running"}});
  }
  uint64_t skipped = 0;
  auto snap = engine_.stats();
  if (const auto* s = findInputStats(*snap, key(id))) {
    skipped = s->analysis_skipped_packets;
  }
  json j = toJson(*a, skipped);
  j["input_id"] = id;
  j["available"] = true;
  return Reply::ok(std::move(j));
}

Reply StreamService::resetInputAnalysis(int64_t id) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  if (!inputs_.at(id).running || !engine_.resetAnalysis(key(id))) {
    return Reply::fail(409, "Not running", "only a running input has an analysis to reset");
  }
  return Reply::ok(json{{"input_id", id}, {"reset", true}}, 202);
}

Reply StreamService::outputsOf(int64_t id, const Page& p) {
  std::lock_guard lock(mu_);
  if (inputs_.count(id) == 0) return notFound("input", id);
  json items = json::array();
  int64_t total = 0;
  int64_t skip = (p.page - 1) * p.per_page;
  for (const auto& [oid, o] : outputs_) {
    if (o.input_id != id) continue;
    ++total;
    if (skip-- > 0 || static_cast<int64_t>(items.size()) >= p.per_page) continue;
    items.push_back(view_locked(StreamKind::kOutput, oid));
  }
  return Reply::ok(paged(std::move(items), total, p));
}

// ---------- outputs ----------

Reply StreamService::listOutputs(const Page& p) {
  std::lock_guard lock(mu_);
  json items = json::array();
  int64_t skip = (p.page - 1) * p.per_page;
  for (const auto& [id, o] : outputs_) {
    if (skip-- > 0) continue;
    if (static_cast<int64_t>(items.size()) >= p.per_page) break;
    items.push_back(view_locked(StreamKind::kOutput, id));
  }
  return Reply::ok(paged(std::move(items), static_cast<int64_t>(outputs_.size()), p));
}

Reply StreamService::getOutput(int64_t id) {
  std::lock_guard lock(mu_);
  if (outputs_.count(id) == 0) return notFound("output", id);
  return Reply::ok(view_locked(StreamKind::kOutput, id));
}

Reply StreamService::createOutput(const json& body) {
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kOutput, body, errors);
  if (!doc) return invalid(std::move(errors));
  std::lock_guard lock(mu_);
  if (inputs_.count(doc->input_id) == 0) {
    return invalid({{"input_id", fmt::format("no input with id {}", doc->input_id)}});
  }
  if (auto clash = checkPorts_locked(StreamKind::kOutput, 0, doc->endpoint)) return *clash;
  auto rec = store_.createOutput(
      store::OutputRecord{0, doc->input_id, doc->name, doc->enabled, doc->config.dump(), 0, 0});
  if (!rec) return storeFailure(rec.error());
  const int64_t id = rec->id;
  outputs_[id] = Known{doc->name, doc->enabled, doc->input_id, doc->config, doc->endpoint, false, {}};
  if (doc->enabled && inputs_.at(doc->input_id).running) {
    auto r = startOutput_locked(id);
    if (!r) {
      outputs_.erase(id);
      (void)store_.deleteOutput(id);
      return engineFailure(r.error(), "listen_port");
    }
  }
  configEvent("created", StreamKind::kOutput, id, doc->name, doc->input_id);
  engine_.sampleNow();
  Reply out = Reply::ok(view_locked(StreamKind::kOutput, id), 201);
  out.location = fmt::format("/api/v1/outputs/{}", id);
  return out;
}

Reply StreamService::replaceOutput(int64_t id, const json& body) {
  std::lock_guard lock(mu_);
  if (outputs_.count(id) == 0) return notFound("output", id);
  json full = body;
  carrySecrets(outputs_.at(id).config, full);
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kOutput, full, errors);
  if (!doc) return invalid(std::move(errors));
  return applyOutput_locked(id, std::move(*doc));
}

Reply StreamService::patchOutput(int64_t id, const json& patch) {
  std::lock_guard lock(mu_);
  if (outputs_.count(id) == 0) return notFound("output", id);
  if (!patch.is_object()) return invalid({{"", "a merge patch must be a JSON object"}});
  const auto& o = outputs_.at(id);
  json full = fullDocument(StreamKind::kOutput, o.name, o.enabled, o.input_id, o.config);
  mergePatch(full, patch);
  carrySecrets(o.config, full);
  std::vector<FieldError> errors;
  auto doc = parseStreamDoc(StreamKind::kOutput, full, errors);
  if (!doc) return invalid(std::move(errors));
  return applyOutput_locked(id, std::move(*doc));
}

Reply StreamService::applyOutput_locked(int64_t id, StreamDoc doc) {
  if (inputs_.count(doc.input_id) == 0) {
    return invalid({{"input_id", fmt::format("no input with id {}", doc.input_id)}});
  }
  if (auto clash = checkPorts_locked(StreamKind::kOutput, id, doc.endpoint)) return *clash;
  Known& o = outputs_.at(id);
  const Known before = o;
  const bool should_run = doc.enabled && inputs_.at(doc.input_id).running;
  const bool changed = !(doc.endpoint == o.endpoint) || doc.input_id != o.input_id;
  if (o.running && should_run && changed && doc.input_id == o.input_id) {
    // Restarts this output alone.
    auto r = engine_.updateOutput(engine::OutputSpec{key(id), key(o.input_id), doc.name, doc.endpoint});
    if (!r) return engineFailure(r.error(), "listen_port");
  } else if (o.running && (!should_run || doc.input_id != o.input_id)) {
    (void)engine_.removeOutput(key(id));
    o.running = false;
  }
  o.name = doc.name;
  o.enabled = doc.enabled;
  o.input_id = doc.input_id;
  o.config = doc.config;
  o.endpoint = doc.endpoint;
  o.valid = true;
  if (!before.valid) {
    o.error.clear();
  }
  if (should_run && !o.running) {
    auto r = startOutput_locked(id);
    if (!r) {
      o = before;
      if (before.running) {
        o.running = false;
        (void)startOutput_locked(id);
      }
      return engineFailure(r.error(), "listen_port");
    }
  }
  auto stored = store_.updateOutput(
      store::OutputRecord{id, o.input_id, o.name, o.enabled, o.config.dump(), 0, 0});
  if (!stored) {
    if (o.running) {
      (void)engine_.removeOutput(key(id));
    }
    o = before;
    o.running = false;
    if (before.running) {
      (void)startOutput_locked(id);
    }
    return storeFailure(stored.error());
  }
  configEvent("changed", StreamKind::kOutput, id, o.name, o.input_id);
  engine_.sampleNow();
  return Reply::ok(view_locked(StreamKind::kOutput, id));
}

Reply StreamService::deleteOutput(int64_t id) {
  std::lock_guard lock(mu_);
  if (outputs_.count(id) == 0) return notFound("output", id);
  auto r = store_.deleteOutput(id);
  if (!r) return storeFailure(r.error());
  if (outputs_.at(id).running) {
    (void)engine_.removeOutput(key(id));
  }
  configEvent("deleted", StreamKind::kOutput, id, outputs_.at(id).name, outputs_.at(id).input_id);
  outputs_.erase(id);
  engine_.sampleNow();
  return Reply::ok(nullptr, 204);
}

Reply StreamService::outputAction(int64_t id, const std::string& action) {
  {
    std::lock_guard lock(mu_);
    if (outputs_.count(id) == 0) return notFound("output", id);
    if (action == "restart") {
      Known& o = outputs_.at(id);
      if (!o.enabled) {
        return Reply::fail(409, "Not running", "a stopped output is started with POST .../start");
      }
      if (o.running) {
        (void)engine_.removeOutput(key(id));
        o.running = false;
      }
      if (inputs_.at(o.input_id).running) {
        if (auto r = startOutput_locked(id); !r) return engineFailure(r.error(), "listen_port");
      }
      engine_.sampleNow();
      return Reply::ok(view_locked(StreamKind::kOutput, id));
    }
  }
  return patchOutput(id, json{{"enabled", action == "start"}});
}

Reply StreamService::outputStats(int64_t id) {
  std::lock_guard lock(mu_);
  if (outputs_.count(id) == 0) return notFound("output", id);
  auto snap = engine_.stats();
  if (const auto* s = findOutputStats(*snap, key(id))) {
    json j = toJson(*s);
    j["id"] = id;
    j["input_id"] = outputs_.at(id).input_id;
    j["taken_at_ms"] = snap->taken_at_ms;
    return Reply::ok(std::move(j));
  }
  return Reply::ok(json{{"id", id}, {"state", view_locked(StreamKind::kOutput, id)["state"]}});
}

// ---------- status ----------

Reply StreamService::status() {
  std::lock_guard lock(mu_);
  const auto proc = readProcessInfo();
  const int64_t now = core::wallNowMs();
  json system{{"version", version_},
              {"libsrt_version", srt::Runtime::version()},
              {"uptime_ms", now - started_ms_},
              {"cpu_percent", cpu_.update(proc.cpu_seconds, core::steadyNowMs())},
              {"cpu_seconds", proc.cpu_seconds},
              {"memory_rss_bytes", proc.rss_bytes},
              {"threads", proc.threads},
              {"open_fds", proc.open_fds}};
  json inputs = json::array();
  for (const auto& [id, k] : inputs_) {
    json in = view_locked(StreamKind::kInput, id);
    json outs = json::array();
    for (const auto& [oid, o] : outputs_) {
      if (o.input_id == id) {
        outs.push_back(view_locked(StreamKind::kOutput, oid));
      }
    }
    in["outputs"] = std::move(outs);
    inputs.push_back(std::move(in));
  }
  return Reply::ok(json{{"system", std::move(system)}, {"inputs", std::move(inputs)}});
}

std::vector<std::pair<std::string, std::string>> StreamService::feedSnapshot(int64_t& time_ms) {
  std::lock_guard lock(mu_);
  auto snap = engine_.stats();
  time_ms = snap->taken_at_ms;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, k] : inputs_) {
    if (const auto* s = k.running ? findInputStats(*snap, key(id)) : nullptr) {
      json j = toJson(static_cast<const engine::EndpointStats&>(*s));
      j["kind"] = "input";
      j["id"] = id;
      j["name"] = k.name;
      out.emplace_back("input:" + key(id), j.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  for (const auto& [id, o] : outputs_) {
    if (const auto* s = o.running ? findOutputStats(*snap, key(id)) : nullptr) {
      json j = toJson(*s);
      j["kind"] = "output";
      j["id"] = id;
      j["input_id"] = o.input_id;
      j["name"] = o.name;
      out.emplace_back("output:" + key(id), j.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return out;
}

std::string StreamService::metrics(MetricsContext ctx) {
  std::lock_guard lock(mu_);
  auto snap = engine_.stats();
  if (events_ != nullptr) {
    ctx.events_dropped = static_cast<int64_t>(events_->dropped());
  }
  ctx.version = version_;
  ctx.libsrt_version = srt::Runtime::version();
  ctx.uptime_seconds = static_cast<double>(core::wallNowMs() - started_ms_) / 1000.0;
  ctx.process = readProcessInfo();
  for (const auto& [id, k] : inputs_) {
    MetricsStream m{"input", key(id), k.name, k.enabled, nullptr, {}, k.enabled && !k.error.empty(),
                    nullptr};
    if (k.running) {
      m.live = findInputStats(*snap, key(id));
      m.analysis = engine_.analysis(key(id));
    }
    ctx.streams.push_back(std::move(m));
  }
  for (const auto& [id, o] : outputs_) {
    MetricsStream m{"output",
                    key(id),
                    o.name,
                    o.enabled,
                    nullptr,
                    key(o.input_id),
                    o.enabled && !o.error.empty(),
                    nullptr};
    if (o.running) {
      m.live = findOutputStats(*snap, key(id));
    }
    ctx.streams.push_back(std::move(m));
  }
  return renderMetrics(ctx);
}

}  // namespace srtgw::control
