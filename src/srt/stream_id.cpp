#include "srt/stream_id.hpp"

namespace srtgw::srt {
namespace {

// Length of the structured prefix at the start of `text`, or 0.
size_t structuredPrefix(std::string_view text) {
  if (text.substr(0, 4) == "#!::") {
    return 4;
  }
  if (text.size() >= 6 && (text.substr(0, 6) == "%23!::")) {
    return 6;
  }
  return 0;
}

bool validKey(std::string_view key) {
  if (key.empty()) {
    return false;
  }
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

core::Result<StreamIdFields> parseStreamId(std::string_view text) {
  using core::Errc;
  if (text.size() > kMaxStreamIdLength) {
    return core::makeError(Errc::kInvalidArgument,
                           "streamid is longer than " + std::to_string(kMaxStreamIdLength) + " characters",
                           "stream_id");
  }
  StreamIdFields out;
  const size_t prefix = structuredPrefix(text);
  if (prefix == 0) {
    out.resource = std::string(text);
    return out;
  }
  out.structured = true;
  std::string_view rest = text.substr(prefix);
  std::vector<std::string> seen;
  size_t pos = 0;
  while (pos <= rest.size()) {
    const size_t comma = rest.find(',', pos);
    const std::string_view pair = rest.substr(pos, comma == std::string_view::npos ? rest.npos : comma - pos);
    pos = comma == std::string_view::npos ? rest.size() + 1 : comma + 1;
    if (pair.empty() && comma == std::string_view::npos && seen.empty()) {
      break;  // "#!::" with nothing after it
    }
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return core::makeError(Errc::kInvalidArgument, "streamid: a key=value pair has no '='", "stream_id");
    }
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (!validKey(key)) {
      return core::makeError(Errc::kInvalidArgument, "streamid: a key is empty or has characters other than letters, digits, '_' and '-'", "stream_id");
    }
    std::string k(key);
    for (const auto& s : seen) {
      if (s == k) {
        return core::makeError(Errc::kInvalidArgument, "streamid: key '" + k + "' appears twice", "stream_id");
      }
    }
    seen.push_back(k);
    std::string v(value);
    if (k == "r") {
      out.resource = std::move(v);
    } else if (k == "u") {
      out.user = std::move(v);
    } else if (k == "s") {
      out.session = std::move(v);
    } else if (k == "m") {
      out.mode = std::move(v);
    } else if (k == "h") {
      out.host = std::move(v);
    } else if (k == "t") {
      out.type = std::move(v);
    } else {
      out.other.emplace_back(std::move(k), std::move(v));
    }
  }
  return out;
}

std::string redactStreamId(std::string_view text) {
  text = text.substr(0, kMaxStreamIdLength);
  const size_t prefix = structuredPrefix(text);
  if (prefix == 0) {
    return std::string(text);
  }
  // Rewrite pair by pair: "s=<anything up to the next comma>" becomes "s=***", whatever
  // else is malformed about the streamid.
  std::string out(text.substr(0, prefix));
  std::string_view rest = text.substr(prefix);
  size_t pos = 0;
  bool first = true;
  while (pos <= rest.size()) {
    const size_t comma = rest.find(',', pos);
    const std::string_view pair = rest.substr(pos, comma == std::string_view::npos ? rest.npos : comma - pos);
    pos = comma == std::string_view::npos ? rest.size() + 1 : comma + 1;
    if (!first) {
      out.push_back(',');
    }
    first = false;
    if (pair.substr(0, 2) == "s=") {
      out += "s=***";
    } else {
      out += pair;
    }
  }
  return out;
}

}  // namespace srtgw::srt
