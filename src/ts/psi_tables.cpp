#include "ts/psi_tables.hpp"

#include "ts/dvb_text.hpp"

namespace srtgw::ts {
namespace {

constexpr size_t kLongHeaderSize = 8;
constexpr size_t kCrcSize = 4;
constexpr uint8_t kLanguageTag = 0x0A;
constexpr uint8_t kServiceTag = 0x48;

uint16_t read16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint16_t read13(const uint8_t* p) { return static_cast<uint16_t>(((p[0] & 0x1F) << 8) | p[1]); }
size_t read12(const uint8_t* p) { return ((size_t{p[0]} & 0x0F) << 8) | p[1]; }

// The loop area between the long header and the CRC.
struct Body {
  const uint8_t* p;
  size_t len;
};

std::optional<Body> longBody(const Section& s) {
  if (s.size < kLongHeaderSize + kCrcSize || (s.data[1] & 0x80) == 0) {
    return std::nullopt;
  }
  return Body{s.data + kLongHeaderSize, s.size - kLongHeaderSize - kCrcSize};
}

}  // namespace

std::optional<LongSectionHeader> parseLongHeader(const Section& s) {
  if (!longBody(s)) {
    return std::nullopt;
  }
  LongSectionHeader h;
  h.table_id = s.data[0];
  h.table_id_extension = read16(s.data + 3);
  h.version = static_cast<uint8_t>((s.data[5] >> 1) & 0x1F);
  h.current_next = (s.data[5] & 0x01) != 0;
  h.section_number = s.data[6];
  h.last_section_number = s.data[7];
  return h;
}

std::optional<Pat> parsePat(const Section& s) {
  const auto body = longBody(s);
  if (s.table_id != kTidPat || !body) {
    return std::nullopt;
  }
  Pat pat;
  pat.transport_stream_id = read16(s.data + 3);
  pat.version = static_cast<uint8_t>((s.data[5] >> 1) & 0x1F);
  for (size_t i = 0; i + 4 <= body->len; i += 4) {
    const uint16_t number = read16(body->p + i);
    const uint16_t pid = read13(body->p + i + 2);
    if (number == 0) {
      pat.nit_pid = pid;
    } else {
      pat.programs.push_back({number, pid});
    }
  }
  return pat;
}

std::optional<Pmt> parsePmt(const Section& s) {
  const auto body = longBody(s);
  if (s.table_id != kTidPmt || !body || body->len < 4) {
    return std::nullopt;
  }
  Pmt pmt;
  pmt.program_number = read16(s.data + 3);
  pmt.version = static_cast<uint8_t>((s.data[5] >> 1) & 0x1F);
  pmt.pcr_pid = read13(body->p);
  const size_t info_len = read12(body->p + 2);
  if (4 + info_len > body->len) {
    return std::nullopt;
  }
  forEachDescriptor(body->p + 4, info_len, [&](uint8_t tag, const uint8_t*, size_t) {
    pmt.program_descriptor_tags.push_back(tag);
  });
  size_t i = 4 + info_len;
  while (i + 5 <= body->len) {
    PmtStream es;
    es.stream_type = body->p[i];
    es.pid = read13(body->p + i + 1);
    const size_t es_len = read12(body->p + i + 3);
    const uint8_t* desc = body->p + i + 5;
    if (i + 5 + es_len > body->len) {
      return std::nullopt;
    }
    forEachDescriptor(desc, es_len, [&](uint8_t tag, const uint8_t* d, size_t n) {
      es.descriptor_tags.push_back(tag);
      if (tag == kLanguageTag && n >= 3 && es.language.empty()) {
        for (size_t k = 0; k < 3; ++k) {
          es.language.push_back(d[k] >= 0x20 && d[k] < 0x7F ? static_cast<char>(d[k]) : '?');
        }
      }
    });
    es.klass = classifyStream(es.stream_type, desc, es_len);
    pmt.streams.push_back(std::move(es));
    i += 5 + es_len;
  }
  return pmt;
}

std::optional<Sdt> parseSdt(const Section& s) {
  const auto body = longBody(s);
  if ((s.table_id != kTidSdtActual && s.table_id != kTidSdtOther) || !body || body->len < 3) {
    return std::nullopt;
  }
  Sdt sdt;
  sdt.transport_stream_id = read16(s.data + 3);
  sdt.version = static_cast<uint8_t>((s.data[5] >> 1) & 0x1F);
  sdt.original_network_id = read16(body->p);
  size_t i = 3;  // original_network_id (2) + reserved_future_use (1)
  while (i + 5 <= body->len) {
    SdtService svc;
    svc.service_id = read16(body->p + i);
    const size_t loop_len = read12(body->p + i + 3);
    if (i + 5 + loop_len > body->len) {
      return std::nullopt;
    }
    forEachDescriptor(body->p + i + 5, loop_len, [&](uint8_t tag, const uint8_t* d, size_t n) {
      if (tag != kServiceTag || n < 2) {
        return;
      }
      // service_type, provider_name_length, provider, service_name_length, name.
      svc.service_type = d[0];
      const size_t plen = d[1];
      if (2 + plen + 1 > n) {
        return;
      }
      svc.provider_name = dvbTextToUtf8(d + 2, plen);
      const size_t nlen = d[2 + plen];
      if (3 + plen + nlen > n) {
        return;
      }
      svc.service_name = dvbTextToUtf8(d + 3 + plen, nlen);
    });
    sdt.services.push_back(std::move(svc));
    i += 5 + loop_len;
  }
  return sdt;
}

}  // namespace srtgw::ts
