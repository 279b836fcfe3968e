#include "control/stream_config.hpp"

#include <fmt/format.h>

#include <set>

#include "net/address.hpp"

namespace srtgw::control {
namespace {

using nlohmann::json;
using engine::SrtMode;
using engine::Transport;

constexpr size_t kMaxNameLength = 128;

// Reads typed fields from a JSON object, remembering which were looked at and recording
// a field error for every wrong type or range.
class Reader {
 public:
  Reader(const json& body, std::vector<FieldError>& errors) : body_(body), errors_(errors) {}

  bool has(const std::string& key) {
    used_.insert(key);
    return body_.contains(key) && !body_[key].is_null();
  }
  void error(const std::string& field, std::string message) {
    errors_.push_back({field, std::move(message)});
  }

  std::optional<int64_t> integer(const std::string& key, int64_t lo, int64_t hi) {
    if (!has(key)) {
      return std::nullopt;
    }
    const auto& v = body_[key];
    if (!v.is_number_integer()) {
      error(key, "must be an integer");
      return std::nullopt;
    }
    int64_t n = v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                    ? INT64_MAX
                    : v.get<int64_t>();
    if (n < lo || n > hi) {
      error(key, fmt::format("must be between {} and {}", lo, hi));
      return std::nullopt;
    }
    return n;
  }

  std::optional<std::string> string(const std::string& key, size_t max_len) {
    if (!has(key)) {
      return std::nullopt;
    }
    const auto& v = body_[key];
    if (!v.is_string()) {
      error(key, "must be a string");
      return std::nullopt;
    }
    auto s = v.get<std::string>();
    if (s.size() > max_len) {
      error(key, fmt::format("must be at most {} characters", max_len));
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(const std::string& key) {
    if (!has(key)) {
      return std::nullopt;
    }
    if (!body_[key].is_boolean()) {
      error(key, "must be true or false");
      return std::nullopt;
    }
    return body_[key].get<bool>();
  }

  /// A field that must not be given for this kind of stream.
  void forbid(const std::string& key, const std::string& why) {
    if (has(key)) {
      error(key, "does not apply " + why);
    }
  }

  void rejectUnknown() {
    for (const auto& [k, v] : body_.items()) {
      if (used_.count(k) == 0) {
        error(k, "unknown field");
      }
    }
  }

 private:
  const json& body_;
  std::vector<FieldError>& errors_;
  std::set<std::string> used_;
};

// "host:port" (IPv6 as "[::1]:port").
bool parseHostPort(const std::string& text, std::string& host, uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']') {
      return false;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return false;  // an IPv6 address needs brackets
  }
  const std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int v = std::stoi(p);
  if (v < 1 || v > 65535 || host.empty()) {
    return false;
  }
  port = static_cast<uint16_t>(v);
  return true;
}

void readAddress(Reader& r, const std::string& key, bool required, std::string& host,
                 uint16_t& port) {
  auto v = r.string(key, 300);
  if (!v) {
    if (required && !r.has(key)) {
      r.error(key, "is required (host:port)");
    }
    return;
  }
  if (!parseHostPort(*v, host, port)) {
    r.error(key, "must be host:port with a port from 1 to 65535");
  }
}

void readIp(Reader& r, const std::string& key, std::string& out) {
  auto v = r.string(key, 64);
  if (!v) {
    return;
  }
  if (!v->empty() && !net::isNumericAddress(*v)) {
    r.error(key, "must be an IP address");
    return;
  }
  out = *v;
}

void readSrtOptions(Reader& r, srt::SrtOptions& o) {
  auto int32 = [&](const char* key, std::optional<int>& dst) {
    if (auto v = r.integer(key, INT32_MIN, INT32_MAX)) {
      dst = static_cast<int>(*v);
    }
  };
  int32("latency_ms", o.latency_ms);
  int32("rcv_latency_ms", o.rcv_latency_ms);
  int32("peer_latency_ms", o.peer_latency_ms);
  int32("pbkeylen", o.pbkeylen);
  int32("overhead_pct", o.overhead_pct);
  int32("conn_timeout_ms", o.conn_timeout_ms);
  int32("peer_idle_timeout_ms", o.peer_idle_timeout_ms);
  int32("payload_size", o.payload_size);
  if (auto v = r.integer("max_bw", INT64_MIN, INT64_MAX)) o.max_bw = *v;
  if (auto v = r.integer("input_bw", INT64_MIN, INT64_MAX)) o.input_bw = *v;
  if (auto v = r.boolean("tlpktdrop")) o.tlpktdrop = *v;
  if (auto v = r.string("stream_id", 512)) o.stream_id = *v;
  // The passphrase is never echoed in an error, only its length.
  if (r.has("passphrase")) {
    if (auto v = r.string("passphrase", 80)) {
      if (!v->empty()) {
        o.passphrase = *v;
      }
    }
  }
}

void readFec(Reader& r, const json& body, srt::SrtOptions& o, std::vector<FieldError>& errors) {
  if (!r.has("fec")) {
    return;
  }
  const auto& f = body["fec"];
  if (!f.is_object()) {
    r.error("fec", "must be an object {cols, rows, layout, arq}");
    return;
  }
  std::vector<FieldError> inner;
  Reader fr(f, inner);
  srt::FecConfig fec;
  if (auto v = fr.integer("cols", INT32_MIN, INT32_MAX)) fec.cols = static_cast<int>(*v);
  if (auto v = fr.integer("rows", INT32_MIN, INT32_MAX)) fec.rows = static_cast<int>(*v);
  if (auto v = fr.string("layout", 16)) fec.layout = *v;
  if (auto v = fr.string("arq", 16)) fec.arq = *v;
  fr.rejectUnknown();
  for (auto& e : inner) {
    errors.push_back({"fec." + e.field, e.message});
  }
  o.fec = fec;
}

// A list of stream ids: strings of 1 to 512 characters, at most 1000 of them.
std::vector<std::string> readStreamIds(const json& v, const std::string& field, std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  if (!v.is_array() || v.size() > 1000) {
    errors.push_back({field, "must be an array of at most 1000 stream ids"});
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string() || v[i].get<std::string>().empty() || v[i].get<std::string>().size() > 512) {
      errors.push_back({fmt::format("{}[{}]", field, i), "must be a string of 1 to 512 characters"});
      continue;
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

// access: {stream_ids: [...], users: [{name, token, stream_ids}]}. A token is never quoted
// in an error, only where it is wrong.
void readAccess(Reader& r, const json& body, srt::AccessRules& out, std::vector<FieldError>& errors) {
  if (!r.has("access")) {
    return;
  }
  const auto& a = body["access"];
  if (!a.is_object()) {
    r.error("access", "must be an object {stream_ids, users}");
    return;
  }
  for (const auto& [k, v] : a.items()) {
    if (k != "stream_ids" && k != "users") {
      errors.push_back({"access." + k, "unknown field"});
    }
  }
  if (a.contains("stream_ids") && !a["stream_ids"].is_null()) {
    out.stream_ids = readStreamIds(a["stream_ids"], "access.stream_ids", errors);
  }
  if (!a.contains("users") || a["users"].is_null()) {
    return;
  }
  const auto& users = a["users"];
  if (!users.is_array() || users.size() > 1000) {
    errors.push_back({"access.users", "must be an array of at most 1000 users"});
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < users.size(); ++i) {
    const std::string at = fmt::format("access.users[{}]", i);
    const auto& u = users[i];
    if (!u.is_object()) {
      errors.push_back({at, "must be an object {name, token, stream_ids}"});
      continue;
    }
    srt::SrtUser user;
    for (const auto& [k, v] : u.items()) {
      if (k != "name" && k != "token" && k != "stream_ids" && k != "token_set") {
        errors.push_back({at + "." + k, "unknown field"});
      }
    }
    const auto name = u.value("name", json());
    const bool name_ok = name.is_string() && !name.get<std::string>().empty() && name.get<std::string>().size() <= 64 &&
                         name.get<std::string>().find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string::npos;
    if (!name_ok) {
      errors.push_back({at + ".name", "is required: 1 to 64 of letters, digits, '.', '_', '-'"});
    } else if (!names.insert(name.get<std::string>()).second) {
      errors.push_back({at + ".name", "appears twice"});
    } else {
      user.name = name.get<std::string>();
    }
    const auto token = u.value("token", json());
    if (!token.is_string() || token.get<std::string>().size() < 8 || token.get<std::string>().size() > 256 ||
        token.get<std::string>().find(',') != std::string::npos) {
      errors.push_back({at + ".token", "is required: 8 to 256 characters without ','"});
    } else {
      user.token = token.get<std::string>();
    }
    if (u.contains("stream_ids") && !u["stream_ids"].is_null()) {
      user.stream_ids = readStreamIds(u["stream_ids"], at + ".stream_ids", errors);
    }
    out.users.push_back(std::move(user));
  }
}

}  // namespace

std::optional<StreamDoc> parseStreamDoc(StreamKind kind, const json& body,
                                        std::vector<FieldError>& errors) {
  const size_t errors_before = errors.size();
  if (!body.is_object()) {
    errors.push_back({"", "the body must be a JSON object"});
    return std::nullopt;
  }
  const bool is_input = kind == StreamKind::kInput;
  Reader r(body, errors);
  StreamDoc doc;
  auto& ep = doc.endpoint;

  if (auto v = r.string("name", kMaxNameLength)) {
    if (v->empty()) {
      r.error("name", "must not be empty");
    }
    doc.name = *v;
  }
  if (auto v = r.boolean("enabled")) doc.enabled = *v;
  r.has("id");  // a client may send back what it read; ids in the body are ignored
  r.has("passphrase_set");
  if (is_input) {
    r.forbid("input_id", "to an input");
  } else if (auto v = r.integer("input_id", 1, INT64_MAX)) {
    doc.input_id = *v;
  } else if (!r.has("input_id")) {
    r.error("input_id", "is required");
  }

  auto type = r.string("type", 16);
  if (!type) {
    if (!r.has("type")) r.error("type", "is required (srt or udp)");
    r.rejectUnknown();
    return std::nullopt;
  }
  if (*type != "srt" && *type != "udp") {
    r.error("type", "must be srt or udp");
    r.rejectUnknown();
    return std::nullopt;
  }
  const bool is_srt = *type == "srt";
  ep.transport = is_srt ? Transport::kSrt : Transport::kUdp;

  if (is_srt) {
    auto mode = r.string("mode", 16);
    if (!mode || *mode == "listener") {
      ep.mode = SrtMode::kListener;
    } else if (*mode == "caller") {
      ep.mode = SrtMode::kCaller;
    } else if (*mode == "rendezvous") {
      ep.mode = SrtMode::kRendezvous;
    } else {
      r.error("mode", "must be listener, caller or rendezvous");
    }
  } else {
    r.forbid("mode", "to UDP");
  }

  const bool srt_listener = is_srt && ep.mode == SrtMode::kListener;
  const bool srt_caller = is_srt && ep.mode == SrtMode::kCaller;
  const bool srt_rendezvous = is_srt && ep.mode == SrtMode::kRendezvous;
  const bool udp_in = !is_srt && is_input;
  const bool udp_out = !is_srt && !is_input;

  // Where it binds and where it connects.
  if (srt_listener || udp_in) {
    if (auto p = r.integer("listen_port", 0, 65535)) {
      ep.port = static_cast<uint16_t>(*p);
    } else if (!r.has("listen_port")) {
      r.error("listen_port", "is required");
    }
    if (auto v = r.string("bind_addr", 64)) {
      if (!v->empty() && !net::isNumericAddress(*v)) {
        r.error("bind_addr", "must be an IP address");
      } else if (udp_in) {
        ep.host = *v;  // a local address or a multicast group
      } else {
        ep.local_addr = *v;
      }
    }
  } else {
    r.forbid("bind_addr", "to this type and mode");
  }
  if (srt_caller || srt_rendezvous) {
    readAddress(r, "target_addr", true, ep.host, ep.port);
    readIp(r, "local_addr", ep.local_addr);
    const char* local_port_key = srt_rendezvous ? "listen_port" : "local_port";
    if (auto p = r.integer(local_port_key, 1, 65535)) {
      ep.local_port = static_cast<uint16_t>(*p);
    }
    r.forbid(srt_rendezvous ? "local_port" : "listen_port", "to this mode");
  } else {
    r.forbid("target_addr", "to this type and mode");
    if (!udp_out) {
      r.forbid("local_addr", "to this type and mode");
    }
    r.forbid("local_port", "to this type and mode");
  }
  if (udp_out) {
    readAddress(r, "destination_addr", true, ep.host, ep.port);
    readIp(r, "local_addr", ep.local_addr);
    r.forbid("listen_port", "to a UDP output");
  } else {
    r.forbid("destination_addr", "here: it is for UDP outputs");
  }
  if (!is_srt) {
    if (auto v = r.string("interface", 64)) ep.interface = *v;
    if (auto v = r.string("multicast_source", 64)) {
      if (!udp_in) {
        r.error("multicast_source", "applies to UDP inputs only");
      } else if (!v->empty() && !net::isNumericAddress(*v)) {
        r.error("multicast_source", "must be an IPv4 address");
      } else {
        ep.multicast_source = *v;
      }
    }
  } else {
    r.forbid("interface", "to SRT (use local_addr)");
    r.forbid("multicast_source", "to SRT");
  }
  if (!is_input || is_srt) {
    if (auto v = r.integer("ttl", 1, 255)) {
      if (is_srt) ep.srt.ip_ttl = static_cast<int>(*v); else ep.ttl = static_cast<int>(*v);
    }
    if (auto v = r.integer("tos", 0, 255)) {
      if (is_srt) ep.srt.ip_tos = static_cast<int>(*v); else ep.tos = static_cast<int>(*v);
    }
  } else {
    r.forbid("ttl", "to a UDP input");
    r.forbid("tos", "to a UDP input");
  }
  if (srt_listener && !is_input) {
    if (auto v = r.integer("max_clients", 1, engine::kMaxClientsLimit)) {
      ep.max_clients = static_cast<int>(*v);
    }
  } else {
    r.forbid("max_clients", "here: it is for SRT listener outputs");
  }
  if (srt_listener) {
    readAccess(r, body, ep.access, errors);
  } else {
    r.forbid("access", "here: it is for SRT listeners");
  }

  if (is_srt) {
    readSrtOptions(r, ep.srt);
    readFec(r, body, ep.srt, errors);
    if (auto v = r.integer("stall_timeout_ms", 100, 60000)) {
      ep.stall_timeout_ms = static_cast<int>(*v);
    }
  } else {
    for (const char* key :
         {"latency_ms", "rcv_latency_ms", "peer_latency_ms", "passphrase", "pbkeylen", "stream_id",
          "max_bw", "input_bw", "overhead_pct", "fec", "tlpktdrop", "conn_timeout_ms",
          "peer_idle_timeout_ms", "payload_size", "stall_timeout_ms"}) {
      r.forbid(key, "to UDP");
    }
  }
  r.rejectUnknown();
  if (errors.size() != errors_before) {
    return std::nullopt;
  }

  // Deeper checks: ranges of SRT options, names that must resolve, interfaces that exist.
  if (auto v = ep.validate(is_input); !v) {
    std::string field = v.error().field;
    if (field == "host" || field == "port") {
      field = udp_out ? "destination_addr" : (is_srt ? "target_addr" : "bind_addr");
    } else if (field == "ttl" || field == "tos" || field == "interface" || field == "local_addr" ||
               field == "multicast_source" || field == "max_clients") {
      // same name in the API
    } else if (field == "address") {
      field = "bind_addr";
    }
    errors.push_back({field, v.error().message});
    return std::nullopt;
  }
  if (doc.name.empty()) {
    // At most what a given name may be, or the stored document would fail validation when it
    // is restored: a long host name makes a long "SRT Caller host:port". Cut on a UTF-8
    // character boundary.
    doc.name = ep.describe();
    if (doc.name.size() > kMaxNameLength) {
      size_t cut = kMaxNameLength;
      while (cut > 0 && (static_cast<unsigned char>(doc.name[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      doc.name.resize(cut);
    }
  }
  doc.config = body;
  for (const char* k : {"name", "enabled", "id", "input_id", "passphrase_set"}) {
    doc.config.erase(k);
  }
  if (doc.config.contains("passphrase") &&
      (doc.config["passphrase"].is_null() || doc.config["passphrase"] == "")) {
    doc.config.erase("passphrase");
  }
  return doc;
}

json publicView(StreamKind kind, int64_t id, const std::string& name, bool enabled,
                int64_t input_id, const json& config) {
  json v = config;
  const bool has_pass = v.contains("passphrase");
  v.erase("passphrase");
  if (v.value("type", "") == "srt") {
    v["passphrase_set"] = has_pass;
  }
  if (v.contains("access") && v["access"].is_object() && v["access"].contains("users") &&
      v["access"]["users"].is_array()) {
    for (auto& u : v["access"]["users"]) {
      if (u.is_object()) {
        u["token_set"] = u.contains("token");
        u.erase("token");
      }
    }
  }
  v["id"] = id;
  v["name"] = name;
  v["enabled"] = enabled;
  if (kind == StreamKind::kOutput) {
    v["input_id"] = input_id;
  }
  return v;
}

json fullDocument(StreamKind kind, const std::string& name, bool enabled, int64_t input_id,
                  const json& config) {
  json v = config;
  v["name"] = name;
  v["enabled"] = enabled;
  if (kind == StreamKind::kOutput) {
    v["input_id"] = input_id;
  }
  return v;
}

void carrySecrets(const json& stored, json& doc) {
  auto users_of = [](const json& d) -> const json* {
    if (!d.is_object() || !d.contains("access") || !d["access"].is_object()) return nullptr;
    const auto& a = d["access"];
    return a.contains("users") && a["users"].is_array() ? &a["users"] : nullptr;
  };
  const json* old_users = users_of(stored);
  if (old_users == nullptr || users_of(doc) == nullptr) {
    return;
  }
  for (auto& u : doc["access"]["users"]) {
    if (!u.is_object() || u.contains("token") || !u.contains("name")) continue;
    for (const auto& o : *old_users) {
      if (o.is_object() && o.value("name", json()) == u["name"] && o.contains("token")) {
        u["token"] = o["token"];
        u.erase("token_set");
      }
    }
  }
}

void mergePatch(json& target, const json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) {
    target = json::object();
  }
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      mergePatch(target[key], value);
    }
  }
}

}  // namespace srtgw::control
