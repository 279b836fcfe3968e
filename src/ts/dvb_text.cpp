#include "ts/dvb_text.hpp"

namespace srtgw::ts {
namespace {

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

// ISO/IEC 6937 non-spacing diacritics 0xC1-0xCF as Unicode combining marks (0: none).
constexpr uint32_t kDiacritics[16] = {0,      0x0300, 0x0301, 0x0302, 0x0303, 0x0304,
                                      0x0306, 0x0307, 0x0308, 0,      0x030A, 0x0327,
                                      0,      0x030B, 0x0328, 0x030C};

void decodeDefaultTable(std::string& out, const uint8_t* p, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    const uint8_t c = p[i];
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else if (c >= 0xC1 && c <= 0xCF && kDiacritics[c - 0xC0] != 0 && i + 1 < len &&
               p[i + 1] >= 0x20 && p[i + 1] < 0x7F) {
      // The diacritic precedes its letter in ISO/IEC 6937; Unicode puts the mark after it.
      out.push_back(static_cast<char>(p[i + 1]));
      appendUtf8(out, kDiacritics[c - 0xC0]);
      ++i;
    } else if (c >= 0xA0) {
      appendUtf8(out, kReplacement);
    }
  }
}

void decodeLatin1(std::string& out, const uint8_t* p, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (p[i] >= 0x20 && (p[i] < 0x7F || p[i] >= 0xA0)) {
      appendUtf8(out, p[i]);
    }
  }
}

// Keeps UTF-8 that is well formed, replaces the rest.
void copyUtf8(std::string& out, const uint8_t* p, size_t len) {
  size_t i = 0;
  while (i < len) {
    const uint8_t c = p[i];
    size_t extra = 0;
    if (c < 0x80) {
      if (c >= 0x20) {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
    } else {
      appendUtf8(out, kReplacement);
      ++i;
      continue;
    }
    bool ok = i + extra < len;
    for (size_t k = 1; ok && k <= extra; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
    }
    if (ok) {
      out.append(reinterpret_cast<const char*>(p + i), extra + 1);  // NOLINT: bytes to chars
      i += extra + 1;
    } else {
      appendUtf8(out, kReplacement);
      ++i;
    }
  }
}

void keepAscii(std::string& out, const uint8_t* p, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7F) {
      out.push_back(static_cast<char>(p[i]));
    } else if (p[i] >= 0xA0) {
      appendUtf8(out, kReplacement);
    }
  }
}

}  // namespace

std::string dvbTextToUtf8(const uint8_t* data, size_t len) {
  std::string out;
  if (len == 0) {
    return out;
  }
  const uint8_t first = data[0];
  if (first >= 0x20) {
    decodeDefaultTable(out, data, len);
  } else if (first == 0x15) {
    copyUtf8(out, data + 1, len - 1);
  } else if (first == 0x10) {
    // Three-byte form: 0x10 then the ISO 8859 part number on 16 bits.
    if (len >= 3 && data[1] == 0x00 && data[2] == 0x01) {
      decodeLatin1(out, data + 3, len - 3);
    } else if (len >= 3) {
      keepAscii(out, data + 3, len - 3);
    }
  } else if (first == 0x1F) {
    if (len >= 2) {
      keepAscii(out, data + 2, len - 2);
    }
  } else {
    // 0x01-0x0B (ISO 8859-5..15), 0x11-0x14 (two-byte tables): only the ASCII part is sure.
    keepAscii(out, data + 1, len - 1);
  }
  return out;
}

}  // namespace srtgw::ts
