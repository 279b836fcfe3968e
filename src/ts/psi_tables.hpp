#pragma once
// Parsers for the PSI/SI tables the analyzer reads: PAT, PMT (ISO/IEC 13818-1 clause 2.4.4)
// and SDT (ETSI EN 300 468 clause 5.2.3). Each takes one complete section whose CRC has
// been checked and returns std::nullopt when it is not that table or does not hold together.
// They allocate (vectors, strings): call them when a table changes, not for every repeat.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ts/psi_section.hpp"
#include "ts/stream_type.hpp"

namespace srtgw::ts {

// table_id values (ISO/IEC 13818-1 table 2-31, ETSI EN 300 468 table 2).
inline constexpr uint8_t kTidPat = 0x00;
inline constexpr uint8_t kTidCat = 0x01;
inline constexpr uint8_t kTidPmt = 0x02;
inline constexpr uint8_t kTidNitActual = 0x40;
inline constexpr uint8_t kTidNitOther = 0x41;
inline constexpr uint8_t kTidSdtActual = 0x42;
inline constexpr uint8_t kTidSdtOther = 0x46;
inline constexpr uint8_t kTidBat = 0x4A;
inline constexpr uint8_t kTidEitFirst = 0x4E;
inline constexpr uint8_t kTidEitLast = 0x6F;
inline constexpr uint8_t kTidTdt = 0x70;
inline constexpr uint8_t kTidTot = 0x73;

// Well-known PIDs (ISO/IEC 13818-1 table 2-3, ETSI EN 300 468 table 1).
inline constexpr uint16_t kPidPat = 0x0000;
inline constexpr uint16_t kPidCat = 0x0001;
inline constexpr uint16_t kPidNit = 0x0010;
inline constexpr uint16_t kPidSdtBat = 0x0011;
inline constexpr uint16_t kPidEit = 0x0012;
inline constexpr uint16_t kPidTdtTot = 0x0014;

// The fields common to long-form sections (section_syntax_indicator = 1).
struct LongSectionHeader {
  uint8_t table_id = 0;
  uint16_t table_id_extension = 0;
  uint8_t version = 0;
  bool current_next = true;
  uint8_t section_number = 0;
  uint8_t last_section_number = 0;
};

// Reads the long-form header; nullopt for a short-form or truncated section. Any thread.
std::optional<LongSectionHeader> parseLongHeader(const Section& s);

struct PatProgram {
  uint16_t program_number = 0;
  uint16_t pmt_pid = 0;
};

struct Pat {
  uint16_t transport_stream_id = 0;
  uint8_t version = 0;
  std::vector<PatProgram> programs;  // program_number 0 (the NIT) excluded
  std::optional<uint16_t> nit_pid;
};

// Any thread.
std::optional<Pat> parsePat(const Section& s);

struct PmtStream {
  uint8_t stream_type = 0;
  uint16_t pid = 0;
  StreamClass klass;
  std::string language;                  // ISO 639 code from descriptor 0x0A, when present
  std::vector<uint8_t> descriptor_tags;  // tags of the ES_info loop, in order
};

struct Pmt {
  uint16_t program_number = 0;
  uint8_t version = 0;
  uint16_t pcr_pid = kNullPid;
  std::vector<uint8_t> program_descriptor_tags;
  std::vector<PmtStream> streams;
};

// Any thread.
std::optional<Pmt> parsePmt(const Section& s);

struct SdtService {
  uint16_t service_id = 0;
  uint8_t service_type = 0;   // from the service descriptor (0x48); 0 when absent
  std::string provider_name;  // UTF-8
  std::string service_name;   // UTF-8
};

struct Sdt {
  uint16_t transport_stream_id = 0;
  uint16_t original_network_id = 0;
  uint8_t version = 0;
  std::vector<SdtService> services;
};

// Parses an SDT section (actual 0x42 or other 0x46). Any thread.
std::optional<Sdt> parseSdt(const Section& s);

}  // namespace srtgw::ts
