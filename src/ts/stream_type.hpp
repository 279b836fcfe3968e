#pragma once
// What an elementary stream carries, from its PMT stream_type and descriptors (ISO/IEC
// 13818-1 table 2-34, ETSI EN 300 468 annex for DVB descriptors, SMPTE-RA registrations).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace srtgw::ts {

enum class StreamKind : uint8_t {
  kUnknown,
  kPsi,  // PAT, CAT, PMT, NIT, SDT, EIT, TDT/TOT
  kVideo,
  kAudio,
  kSubtitles,
  kTeletext,
  kScte35,
  kData,
  kNull,
};

// Lower-case name for reports ("video", "psi", ...). Any thread.
std::string_view streamKindName(StreamKind kind);

struct StreamClass {
  StreamKind kind = StreamKind::kUnknown;
  std::string_view codec;  // readable codec name, "" when unknown
  bool pes = true;         // carried in PES packets (false: sections, e.g. SCTE-35)
};

// Classifies a PMT entry from its stream_type and ES_info descriptor loop. Any thread.
StreamClass classifyStream(uint8_t stream_type, const uint8_t* es_descriptors, size_t len);

// Calls f(tag, body, body_len) for each descriptor of a loop; stops at a truncated one.
// Any thread.
template <typename F>
void forEachDescriptor(const uint8_t* p, size_t len, F&& f) {
  size_t i = 0;
  while (i + 2 <= len) {
    const uint8_t tag = p[i];
    const size_t dlen = p[i + 1];
    if (i + 2 + dlen > len) {
      return;
    }
    f(tag, p + i + 2, dlen);
    i += 2 + dlen;
  }
}

// Four-character registration format_identifier as a number ("CUEI" -> 0x43554549).
constexpr uint32_t fourCc(const char (&s)[5]) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

}  // namespace srtgw::ts
