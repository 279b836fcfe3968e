#pragma once
// A small deterministic MPEG-TS multiplexer for tests and benchmarks: one program with PAT,
// PMT and SDT (with CRCs), an H.264-typed video PID carrying the PCR and PES with PTS, an
// AAC-typed audio PID, null packets to fill a constant bitrate. Arrival times are the ideal
// ones for that bitrate, and PCR values follow them exactly. Plus an error injector.

#include <cstdint>
#include <string>
#include <vector>

#include "ts/ts_packet.hpp"

namespace srtgw::ts::testing {

struct ExtraStream {
  uint8_t stream_type = 0x06;
  uint16_t pid = 0;
  std::vector<uint8_t> descriptors;  // ES_info loop bytes
};

struct GeneratorConfig {
  int64_t bitrate_bps = 5'000'000;
  int64_t duration_ns = 3'000'000'000;
  int64_t start_ns = 1'000'000'000;  // arrival time of the first packet
  uint16_t transport_stream_id = 1;
  uint16_t program_number = 1;
  uint16_t pmt_pid = 0x100;
  uint16_t video_pid = 0x101;
  uint16_t audio_pid = 0x102;
  uint8_t video_stream_type = 0x1B;
  uint8_t audio_stream_type = 0x0F;
  int64_t video_bps = 3'000'000;
  int64_t audio_bps = 192'000;
  int64_t psi_period_ns = 100'000'000;  // PAT and PMT
  int64_t sdt_period_ns = 500'000'000;
  int64_t pcr_period_ns = 25'000'000;
  int64_t frame_ns = 40'000'000;        // one video PES per frame
  int64_t audio_frame_ns = 24'000'000;  // one audio PES per frame
  bool with_audio = true;
  bool with_sdt = true;
  bool with_cat = false;
  std::string service_name = "srtgw test";
  std::string provider_name = "srtgw";
  std::vector<ExtraStream> extra_streams;  // listed in the PMT, never sent
};

struct TsStream {
  std::vector<TsPacket> packets;
  std::vector<int64_t> arrival_ns;
  size_t size() const { return packets.size(); }
};

// Generates the stream. Deterministic.
TsStream generateStream(const GeneratorConfig& config);

// Builds a long-form section (section_syntax_indicator 1) around body, with its CRC_32.
std::vector<uint8_t> makeLongSection(uint8_t table_id, uint16_t table_id_extension, uint8_t version,
                                     const std::vector<uint8_t>& body);

// Cuts sections into packets of one PID: each section starts a packet (pointer_field 0),
// the last packet is filled with 0xFF. cc is advanced.
std::vector<TsPacket> packetizeSections(uint16_t pid, const std::vector<uint8_t>& sections,
                                        uint8_t& cc);

TsPacket nullPacket();

// ---- error injection (each keeps the stream's constant rate unless it says otherwise) ----

// Indices of packets of a PID (with payload when payload_only).
std::vector<size_t> packetsOf(const TsStream& s, uint16_t pid, bool payload_only = true);
// Removes packets (shortens the stream).
void erase(TsStream& s, std::vector<size_t> indices);
// Replaces the packets of pid arriving in [from_ns, to_ns) by null packets, renumbering the
// continuity counters after the gap as a multiplexer that left the PID out would.
void replaceWithNull(TsStream& s, uint16_t pid, int64_t from_ns, int64_t to_ns);
// Removes the PCR of packets of pid in [from_ns, to_ns) (adaptation-only ones become null).
void stripPcr(TsStream& s, uint16_t pid, int64_t from_ns, int64_t to_ns);
// Adds delta_ticks to every PCR of pid from from_ns on.
void shiftPcr(TsStream& s, uint16_t pid, int64_t from_ns, int64_t delta_ticks);
// Clears the PTS flag of PES headers of pid in [from_ns, to_ns).
void stripPts(TsStream& s, uint16_t pid, int64_t from_ns, int64_t to_ns);
// Inserts copies of packet index right after it, at the same arrival time.
void duplicate(TsStream& s, size_t index, int copies);
// Flips a bit in the first section of a PUSI packet (breaks its CRC).
void corruptSection(TsStream& s, size_t index);
// The PCR value (27 MHz) that the packet at index carries, -1 if none.
int64_t pcrOf(const TsStream& s, size_t index);

}  // namespace srtgw::ts::testing
