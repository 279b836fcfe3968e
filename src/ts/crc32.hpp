#pragma once
// CRC-32/MPEG-2 (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7, initial value 0xFFFFFFFF,
// no reflection, no final XOR. A PSI section with a CRC_32 is intact when the CRC over the
// whole section, CRC bytes included, is zero.

#include <cstddef>
#include <cstdint>

namespace srtgw::ts {

// CRC-32/MPEG-2 of len bytes. Any thread.
uint32_t crc32Mpeg2(const uint8_t* data, size_t len);

// True when a section ending with its CRC_32 is intact. Any thread.
inline bool sectionCrcOk(const uint8_t* section, size_t len) {
  return len >= 4 && crc32Mpeg2(section, len) == 0;
}

}  // namespace srtgw::ts
