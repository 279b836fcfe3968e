// Fuzz target: JSON request bodies for inputs, outputs and webhooks, validated as the REST
// layer does (control/stream_config.cpp, control/webhook_config.cpp): parsed without
// exceptions like api::parseBody, then POST/PUT validation, or a merge patch onto a stored
// document followed by validation (PATCH).
// The first byte picks the document kind and operation; the rest is the body.
// Properties: never throws or crashes; a document is accepted exactly when no field error
// was recorded; every error can be written as a problem+json body; an accepted document is
// accepted again, unchanged, when it is restored from what is stored (a restart); the
// passphrase and the webhook secret appear in no error and no public view.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "control/stream_config.hpp"
#include "control/webhook_config.hpp"

namespace {

using nlohmann::json;
using srtgw::control::FieldError;
using srtgw::control::StreamKind;

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// A secret nothing else in a body contains: it is replaced by this, same length.
std::string canary(size_t len) {
  std::string out;
  while (out.size() < len) {
    out += "Zq9~canary~";
  }
  out.resize(len);
  return out;
}

// Puts a canary in place of a string secret of a valid length; returns it ("" when none).
std::string plantCanary(json& body, const char* key, size_t lo, size_t hi) {
  if (!body.is_object() || !body.contains(key) || !body[key].is_string()) {
    return {};
  }
  const size_t len = body[key].get_ref<const std::string&>().size();
  if (len < lo || len > hi) {
    return {};
  }
  std::string value = canary(len);
  body[key] = value;
  const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.find(value) != text.rfind(value)) {
    return {};  // the canary is written elsewhere too: an error may quote that place
  }
  return value;
}

void checkErrors(const std::vector<FieldError>& errors, const std::string& secret) {
  json problem = json::array();
  for (const auto& e : errors) {
    check(secret.empty() || e.message.find(secret) == std::string::npos);
    problem.push_back({{"field", e.field}, {"message", e.message}});
  }
  (void)problem.dump();  // throws on invalid UTF-8: the API could not answer
}

void streamDoc(StreamKind kind, json body, bool patch) {
  if (patch) {
    // A stored SRT listener input / output with a passphrase, patched by the body.
    json full = srtgw::control::fullDocument(
        kind, "stored", true, 7,
        {{"type", "srt"}, {"mode", "listener"}, {"listen_port", 9000}, {"latency_ms", 200},
         {"passphrase", "stored-passphrase"}});
    srtgw::control::mergePatch(full, body);
    body = std::move(full);
  }
  const std::string secret = plantCanary(body, "passphrase", 10, 80);
  std::vector<FieldError> errors;
  auto doc = srtgw::control::parseStreamDoc(kind, body, errors);
  check(doc.has_value() == errors.empty());
  checkErrors(errors, secret);
  if (!doc) {
    return;
  }
  const json view = srtgw::control::publicView(kind, 1, doc->name, doc->enabled,
                                               doc->input_id, doc->config);
  check(!view.contains("passphrase"));
  const std::string text = view.dump();
  check(secret.empty() || text.find(secret) == std::string::npos);

  // What a restart restores must validate again, to the same endpoint.
  std::vector<FieldError> again_errors;
  auto again = srtgw::control::parseStreamDoc(
      kind,
      srtgw::control::fullDocument(kind, doc->name, doc->enabled, doc->input_id, doc->config),
      again_errors);
  check(again.has_value());
  check(again->endpoint == doc->endpoint);
  check(again->name == doc->name);
  check(again->config == doc->config);
}

void webhookDoc(json body, bool patch) {
  if (patch) {
    srtgw::control::WebhookDoc stored;
    stored.name = "stored";
    stored.url = "http://127.0.0.1:9/hook";
    stored.secret = "stored-secret";
    json full = srtgw::control::webhookFullDocument(stored);
    srtgw::control::mergePatch(full, body);
    body = std::move(full);
  }
  const std::string secret = plantCanary(body, "secret", 8, 256);
  std::vector<FieldError> errors;
  auto doc = srtgw::control::parseWebhookDoc(body, errors);
  check(doc.has_value() == errors.empty());
  checkErrors(errors, secret);
  if (!doc) {
    return;
  }
  const std::string text = srtgw::control::webhookPublicDocument(1, *doc).dump();
  check(secret.empty() || text.find(secret) == std::string::npos);
  for (const auto& type : {"input.state", "client.connected", "ts.alarm.raised", ""}) {
    (void)srtgw::control::webhookWants(doc->events, type);
  }
  std::vector<FieldError> again_errors;
  auto again = srtgw::control::parseWebhookDoc(srtgw::control::webhookFullDocument(*doc),
                                               again_errors);
  check(again.has_value());
  check(again->target.host == doc->target.host && again->target.port == doc->target.port &&
        again->target.target == doc->target.target && again->events == doc->events &&
        again->secret == doc->secret);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  const uint8_t op = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded()) {
    return 0;  // api::parseBody answers 400 before any validation
  }
  const bool patch = (op & 0x04) != 0;
  switch (op % 4) {
    case 0: streamDoc(StreamKind::kInput, std::move(body), patch); break;
    case 1: streamDoc(StreamKind::kOutput, std::move(body), patch); break;
    default: webhookDoc(std::move(body), patch); break;
  }
  return 0;
}
