#pragma once
// DVB text strings (ETSI EN 300 468 annex A) to UTF-8, for service and provider names.

#include <cstddef>
#include <cstdint>
#include <string>

namespace srtgw::ts {

// Decodes a DVB string to UTF-8. Handled: the default table (ISO/IEC 6937, ASCII part exact,
// accented letters as base letter + combining mark), ISO 8859-1 (0x10 0x00 0x01) and UTF-8
// (0x15). Other character tables keep their ASCII bytes; anything undecodable becomes
// U+FFFD, so the result is always valid UTF-8. Control codes 0x80-0x9F are dropped.
// Any thread.
std::string dvbTextToUtf8(const uint8_t* data, size_t len);

}  // namespace srtgw::ts
