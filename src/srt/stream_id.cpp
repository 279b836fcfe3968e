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

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (no overlongs, no surrogates, at most
// U+10FFFF), or 0.
size_t utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) {
      return 0;
    }
  }
  return n;
}

}  // namespace

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (const size_t n = c >= 0x80 ? utf8Length(text, i) : 0; n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    out += "\\x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0F]);
    ++i;
  }
  return out;
}

std::string displayStreamId(std::string_view text) { return printable(redactStreamId(text)); }

}  // namespace srtgw::srt
