#include "control/webhook_config.hpp"

#include <fmt/format.h>

#include <array>
#include <set>
#include <string_view>

namespace srtgw::control {
namespace {

using nlohmann::json;

// Every event type srtgw publishes or will publish (ts.* comes with the TS analysis).
constexpr std::array<std::string_view, 12> kEventTypes = {
    "gateway.started",  "gateway.stopped",     "input.state",         "output.state",
    "client.connected", "client.disconnected", "connection.rejected", "config.created",
    "config.changed",   "config.deleted",      "ts.alarm.raised",     "ts.alarm.cleared"};

constexpr size_t kMaxUrl = 2048;
constexpr size_t kMaxName = 256;
constexpr size_t kMaxFilters = 64;
constexpr size_t kMinSecret = 8;
constexpr size_t kMaxSecret = 256;

bool knownTypeOrPrefix(const std::string& f) {
  const bool prefix = !f.empty() && f.back() == '.';
  for (auto t : kEventTypes) {
    if (prefix ? t.starts_with(f) : t == f) {
      return true;
    }
  }
  return false;
}

bool isHostnameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool validHostname(std::string_view h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.front() == '-' ||
      h.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : h) {
    if (!isHostnameChar(c)) {
      return false;
    }
  }
  return true;
}

bool validIpv6(std::string_view h) {
  if (h.empty() || h.size() > 45) {
    return false;
  }
  for (char c : h) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != ':' && c != '.') {
      return false;
    }
  }
  return h.find(':') != std::string_view::npos;
}

// A request target: visible ASCII only (what an HTTP request line can carry), no fragment.
bool validTarget(std::string_view t) {
  for (char c : t) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f ||
        c == '#') {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

void readEvents(const json& body, WebhookDoc& doc, std::vector<FieldError>& errors) {
  if (!body.contains("events") || body["events"].is_null()) {
    return;
  }
  const auto& ev = body["events"];
  if (!ev.is_array()) {
    errors.push_back(
        {"events", "must be an array of event types, e.g. [\"input.state\", \"client.\"]"});
    return;
  }
  if (ev.size() > kMaxFilters) {
    errors.push_back({"events", fmt::format("must list at most {} entries", kMaxFilters)});
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < ev.size(); ++i) {
    const std::string field = fmt::format("events[{}]", i);
    if (!ev[i].is_string()) {
      errors.push_back({field, "must be a string"});
      continue;
    }
    auto f = ev[i].get<std::string>();
    if (f.size() > 64 || !knownTypeOrPrefix(f)) {
      errors.push_back({field,
                        "must be a known event type (e.g. input.state) or a prefix "
                        "ending in '.' (e.g. client.)"});
      continue;
    }
    if (seen.insert(f).second) {
      doc.events.push_back(f);
    }
  }
}

}  // namespace

std::optional<WebhookUrl> parseWebhookUrl(const std::string& url, std::string& why) {
  if (url.size() > kMaxUrl) {
    why = fmt::format("must be at most {} characters", kMaxUrl);
    return std::nullopt;
  }
  const size_t sep = url.find("://");
  if (sep == std::string::npos) {
    why = "must be an absolute URL: http://host:port/path";
    return std::nullopt;
  }
  const std::string scheme = lower(std::string_view(url).substr(0, sep));
  if (scheme == "https") {
    why = "https is not supported yet: use an http:// URL (for example a local TLS proxy)";
    return std::nullopt;
  }
  if (scheme != "http") {
    why = "must use the http scheme: http://host:port/path";
    return std::nullopt;
  }
  std::string_view rest = std::string_view(url).substr(sep + 3);
  const size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  WebhookUrl out;
  if (slash != std::string_view::npos) {
    out.target = std::string(rest.substr(slash));
    if (out.target.front() == '?') {
      out.target.insert(0, "/");
    }
  }
  if (authority.find('@') != std::string_view::npos) {
    why = "must not carry credentials (user@host): sign requests with `secret` instead";
    return std::nullopt;
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "has an unterminated [IPv6] host";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        why = "must be http://host:port/path";
        return std::nullopt;
      }
      port = after.substr(1);
      if (port.empty()) {
        why = "has an empty port: give a port from 1 to 65535";
        return std::nullopt;
      }
    }
    if (!validIpv6(host)) {
      why = "has an invalid IPv6 address";
      return std::nullopt;
    }
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) {
        why = "has an empty port: give a port from 1 to 65535";
        return std::nullopt;
      }
    }
    if (!validHostname(host)) {
      why = host.empty() ? "has no host" : "has an invalid host name";
      return std::nullopt;
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      why = "must have a port from 1 to 65535";
      return std::nullopt;
    }
    out.port = static_cast<uint16_t>(std::stoi(std::string(port)));
  }
  if (!validTarget(out.target)) {
    why = "has a path with spaces, control characters or a #fragment: percent-encode them";
    return std::nullopt;
  }
  out.host = std::string(host);
  return out;
}

std::optional<WebhookDoc> parseWebhookDoc(const json& body, std::vector<FieldError>& errors) {
  const size_t before = errors.size();
  if (!body.is_object()) {
    errors.push_back({"body", "must be a JSON object"});
    return std::nullopt;
  }
  static const std::set<std::string> kFields = {"url", "events", "secret", "enabled", "name"};
  for (const auto& [k, v] : body.items()) {
    if (kFields.count(k) == 0) {
      errors.push_back({k, "unknown field"});
    }
  }
  WebhookDoc doc;
  auto present = [&](const char* key) { return body.contains(key) && !body[key].is_null(); };
  if (!present("url")) {
    errors.push_back({"url", "is required (http://host:port/path)"});
  } else if (!body["url"].is_string()) {
    errors.push_back({"url", "must be a string"});
  } else {
    doc.url = body["url"].get<std::string>();
    std::string why;
    if (auto u = parseWebhookUrl(doc.url, why)) {
      doc.target = *u;
    } else {
      errors.push_back({"url", why});
    }
  }
  readEvents(body, doc, errors);
  if (present("secret")) {
    // Only the length is ever reported: the value must not reach a response or a log.
    if (!body["secret"].is_string()) {
      errors.push_back({"secret", "must be a string"});
    } else {
      const auto& s = body["secret"].get_ref<const std::string&>();
      if (s.size() < kMinSecret || s.size() > kMaxSecret) {
        errors.push_back({"secret", fmt::format("must be {} to {} characters (got {})", kMinSecret,
                                                kMaxSecret, s.size())});
      } else {
        doc.secret = s;
      }
    }
  }
  if (present("enabled")) {
    if (!body["enabled"].is_boolean()) {
      errors.push_back({"enabled", "must be true or false"});
    } else {
      doc.enabled = body["enabled"].get<bool>();
    }
  }
  if (present("name")) {
    if (!body["name"].is_string()) {
      errors.push_back({"name", "must be a string"});
    } else if (body["name"].get_ref<const std::string&>().size() > kMaxName) {
      errors.push_back({"name", fmt::format("must be at most {} characters", kMaxName)});
    } else {
      doc.name = body["name"].get<std::string>();
    }
  }
  if (errors.size() != before) {
    return std::nullopt;
  }
  return doc;
}

bool webhookWants(const std::vector<std::string>& filter, const std::string& type) {
  if (filter.empty()) {
    return true;
  }
  for (const auto& f : filter) {
    if (f.back() == '.' ? type.starts_with(f) : type == f) {
      return true;
    }
  }
  return false;
}

json webhookFullDocument(const WebhookDoc& doc) {
  json j{{"name", doc.name}, {"url", doc.url}, {"events", doc.events}, {"enabled", doc.enabled}};
  if (!doc.secret.empty()) {
    j["secret"] = doc.secret;
  }
  return j;
}

json webhookPublicDocument(int64_t id, const WebhookDoc& doc) {
  return json{{"id", id},
              {"name", doc.name},
              {"url", doc.url},
              {"events", doc.events},
              {"enabled", doc.enabled},
              {"secret_set", !doc.secret.empty()}};
}

}  // namespace srtgw::control
