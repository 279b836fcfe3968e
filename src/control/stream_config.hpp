#pragma once
// The REST documents of inputs and outputs, and their translation to engine specs.
// Field names follow the SRT gateway srtgw grew from, so its request bodies work unchanged:
// type, mode, listen_port, target_addr, destination_addr, input_id, latency_ms, stream_id,
// passphrase, name. Validation is strict: unknown fields, wrong types and out-of-range
// values are each reported with the field's name.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "control/reply.hpp"
#include "engine/spec.hpp"

namespace srtgw::control {

enum class StreamKind { kInput, kOutput };

/// A validated document: what is stored, and what the engine runs.
struct StreamDoc {
  std::string name;
  bool enabled = true;
  int64_t input_id = 0;     // outputs
  nlohmann::json config;    // the stored configuration (every field but name/enabled/ids)
  engine::EndpointSpec endpoint;
};

/// Validates a whole document (POST, PUT, or a PATCH after merging). Collects every field
/// error it finds; returns nothing when there is at least one.
std::optional<StreamDoc> parseStreamDoc(StreamKind kind, const nlohmann::json& body,
                                        std::vector<FieldError>& errors);

/// The document as stored and returned: config + name/enabled/input_id, secrets removed
/// (a `passphrase_set` flag instead).
nlohmann::json publicView(StreamKind kind, int64_t id, const std::string& name, bool enabled,
                          int64_t input_id, const nlohmann::json& config);

/// The full document (with secrets) for merge-patching: config + name/enabled/input_id.
nlohmann::json fullDocument(StreamKind kind, const std::string& name, bool enabled,
                            int64_t input_id, const nlohmann::json& config);

/// PUT and PATCH may list an SRT access user without its token (as read back): the stored
/// document's token for that name is kept.
void carrySecrets(const nlohmann::json& stored, nlohmann::json& doc);

/// RFC 7386 JSON merge patch.
void mergePatch(nlohmann::json& target, const nlohmann::json& patch);

}  // namespace srtgw::control
