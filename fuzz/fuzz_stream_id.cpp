// Fuzz target: the SRT streamid parser and its redaction (srt/stream_id.cpp), which see
// whatever a remote caller sends in its handshake.
// Properties: never throws or crashes; a structured ("#!::" or "%23!::") streamid that
// parses comes back from redactStreamId with every `s=` value replaced by "***" and every
// other field unchanged; whatever the input, no pair of a redacted structured streamid
// starts with "s=" unless it is exactly "s=***".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "srt/access_control.hpp"
#include "srt/stream_id.hpp"

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

bool isStructured(std::string_view s) {
  return s.substr(0, 4) == "#!::" || s.substr(0, 6) == "%23!::";
}

// The streamid with each "s=..." pair cut to "s="; `session` is set when one was seen. A
// pair of the redacted form that starts with "s=" and is not "s=***" fails at once.
std::string withoutSessions(std::string_view s, bool& session) {
  const size_t prefix = s.starts_with("#!::") ? 4 : 6;
  std::string out(s.substr(0, prefix));
  const std::string_view rest = s.substr(prefix);
  size_t pos = 0;
  while (pos <= rest.size()) {
    const size_t comma = rest.find(',', pos);
    const std::string_view pair =
        rest.substr(pos, comma == std::string_view::npos ? rest.npos : comma - pos);
    pos = comma == std::string_view::npos ? rest.size() + 1 : comma + 1;
    if (pair.starts_with("s=")) {
      session = true;
      out += "s=";
    } else {
      out += pair;
    }
    out += ',';
  }
  return out;
}

// Access control (srt/access_control.cpp) on the same input: it never lets in a caller whose
// streamid does not carry a configured user's exact token, a served stream id that user may
// use, and a mode that suits the endpoint; every refusal has one of the documented codes.
void checkAccess(std::string_view text) {
  using namespace srtgw::srt;
  static const AccessRules rules{{"cam1", "cam2"},
                                 {{"alice", "alice-token-1", {}}, {"bob", "bob-token-22", {"cam2"}}}};
  for (const bool publishing : {true, false}) {
    const auto d = decideAccess(rules, text, publishing);
    check(d.code == 0 || d.code == 1400 || d.code == 1401 || d.code == 1403 || d.code == 1404);
    check(d.code == 0 || !d.reason.empty());
    if (d.code != 0) {
      continue;
    }
    auto f = parseStreamId(text);
    check(f.ok());
    const bool alice = f->user == "alice" && f->session == "alice-token-1";
    const bool bob = f->user == "bob" && f->session == "bob-token-22" && f->resource == "cam2";
    check(alice || bob);
    check(f->resource == "cam1" || f->resource == "cam2");
    check(publishing ? f->mode != "request" : f->mode != "publish");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace srtgw::srt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  checkAccess(text);
  // What is shown of a streamid is printable ASCII or valid UTF-8, never a control byte.
  const std::string shown = displayStreamId(text);
  for (unsigned char c : shown) {
    check(c >= 0x20 && c != 0x7F);
  }

  auto parsed = parseStreamId(text);
  const std::string redacted = redactStreamId(text);
  check(redacted.size() <= 2 * kMaxStreamIdLength);

  if (!isStructured(text)) {
    if (parsed) {
      check(!parsed->structured);
      check(parsed->resource == text);
      check(redacted == text);
    }
    return 0;
  }

  // Pair by pair, the redacted text carries no session value, and nothing else changed.
  check(isStructured(redacted));
  bool seen = false;
  check(withoutSessions(redacted, seen) == withoutSessions(text.substr(0, kMaxStreamIdLength), seen));
  const size_t prefix = redacted.starts_with("#!::") ? 4 : 6;
  for (size_t at = redacted.find("s=", prefix); at != std::string::npos;
       at = redacted.find("s=", at + 1)) {
    if (at == prefix || redacted[at - 1] == ',') {
      check(std::string_view(redacted).substr(at, 5) == "s=***" &&
            (at + 5 == redacted.size() || redacted[at + 5] == ','));
    }
  }

  if (!parsed) {
    check(!parsed.error().message.empty());
    return 0;
  }
  check(parsed->structured);
  bool had_session = false;
  (void)withoutSessions(text, had_session);
  if (redacted.size() > kMaxStreamIdLength) {
    return 0;  // "s=" -> "s=***" may push a long streamid over the limit
  }
  auto again = parseStreamId(redacted);
  check(again.ok());
  check(again->structured);
  check(again->session == (had_session ? "***" : ""));
  check(again->resource == parsed->resource);
  check(again->user == parsed->user);
  check(again->mode == parsed->mode);
  check(again->host == parsed->host);
  check(again->type == parsed->type);
  check(again->other == parsed->other);
  return 0;
}
