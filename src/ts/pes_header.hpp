#pragma once
// The PTS of a PES packet header (ISO/IEC 13818-1 clause 2.4.3.6), read from the first
// payload bytes of a packet with payload_unit_start_indicator set.

#include <cstddef>
#include <cstdint>

namespace srtgw::ts {

// PTS in 90 kHz ticks (33 bits), or -1 when the bytes do not start a PES packet with a PTS.
// Any thread.
inline int64_t pesPts(const uint8_t* p, size_t n) {
  if (n < 14 || p[0] != 0 || p[1] != 0 || p[2] != 1) {
    return -1;
  }
  const uint8_t stream_id = p[3];
  // These stream_ids have no optional PES header (table 2-21).
  if (stream_id == 0xBC || stream_id == 0xBE || stream_id == 0xBF || stream_id == 0xF0 ||
      stream_id == 0xF1 || stream_id == 0xF2 || stream_id == 0xF8 || stream_id == 0xFF) {
    return -1;
  }
  if ((p[6] & 0xC0) != 0x80 || (p[7] & 0x80) == 0 || p[8] < 5) {
    return -1;
  }
  return (int64_t{(p[9] >> 1) & 0x07} << 30) | (int64_t{p[10]} << 22) |
         (int64_t{p[11] >> 1} << 15) | (int64_t{p[12]} << 7) | (p[13] >> 1);
}

}  // namespace srtgw::ts
