#pragma once
// The SRT streamid as an access-control key (libsrt access-control.md): either a plain
// string, or the structured form "#!::key=value,key=value" (at most 512 characters).
// ffmpeg and srt-live-transmit pass the '#' of a URL query through undecoded, so "%23!::"
// is accepted as the same prefix. Pure code: no libsrt, no I/O.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace srtgw::srt {

struct StreamIdFields {
  bool structured = false;  // "#!::" form
  std::string resource;     // r= (or the whole plain streamid)
  std::string user;         // u=
  std::string session;      // s= (a credential: never log or show it)
  std::string mode;         // m= ("request", "publish", "bidirectional"; "" = not given)
  std::string host;         // h=
  std::string type;         // t=
  std::vector<std::pair<std::string, std::string>> other;  // any further keys, in order
};

inline constexpr size_t kMaxStreamIdLength = 512;

/// Parses a streamid. Errors name what is wrong (too long, a pair without '=', an empty or
/// repeated key, a key with characters other than letters, digits, '_' and '-').
core::Result<StreamIdFields> parseStreamId(std::string_view text);

/// The streamid with the value of every `s=` key of a structured streamid replaced by
/// "***", for logs, events and API responses. A plain streamid is returned as it is; an
/// oversized one is cut at kMaxStreamIdLength.
std::string redactStreamId(std::string_view text);

/// `text` made safe to show and to put in JSON: valid UTF-8 is kept, every other byte and
/// every control character becomes "\xNN". A caller chooses its streamid's bytes freely.
std::string printable(std::string_view text);

/// What a log line, an event or an API answer may show of a caller's streamid: redacted,
/// then printable.
std::string displayStreamId(std::string_view text);

}  // namespace srtgw::srt
