#pragma once
// The REST document of a webhook: strict validation with a field error for each problem, the
// event filter, and the public view (the secret is write-only: views carry `secret_set`).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/reply.hpp"

namespace srtgw::control {

/// Where a webhook's requests go: http://host[:port][/path[?query]].
struct WebhookUrl {
  std::string host;  // IPv6 without brackets
  uint16_t port = 80;
  std::string target = "/";
};

/// A validated document.
struct WebhookDoc {
  std::string name;
  std::string url;  // as given
  WebhookUrl target;
  std::vector<std::string> events;  // types and prefixes ending in '.'; empty = every event
  std::string secret;               // "" = unsigned
  bool enabled = true;
};

/// Any thread: parses an http:// URL; on failure `why` says what is wrong (https included).
std::optional<WebhookUrl> parseWebhookUrl(const std::string& url, std::string& why);

/// Any thread: validates a whole document (POST, PUT, or a PATCH after merging), collecting
/// every field error; returns nothing when there is at least one. Errors never quote the secret.
std::optional<WebhookDoc> parseWebhookDoc(const nlohmann::json& body,
                                          std::vector<FieldError>& errors);

/// Any thread: true when `type` is selected by `filter` (exact types and '.'-prefixes; an
/// empty filter selects everything).
bool webhookWants(const std::vector<std::string>& filter, const std::string& type);

/// Any thread: the full document, secret included, for merge-patching and restoring.
nlohmann::json webhookFullDocument(const WebhookDoc& doc);

/// Any thread: the document as returned: no secret, a `secret_set` flag instead.
nlohmann::json webhookPublicDocument(int64_t id, const WebhookDoc& doc);

}  // namespace srtgw::control
