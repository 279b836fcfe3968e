#pragma once
// TsPacket: one 188-byte MPEG-TS packet (ISO/IEC 13818-1 clause 2.4.3) with bit accessors.
// Every accessor stays inside the 188 bytes, whatever the header claims: a malformed
// adaptation_field_length yields an empty payload and no PCR, never an out-of-bounds read.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace srtgw::ts {

inline constexpr size_t kPacketSize = 188;
inline constexpr uint8_t kSyncByte = 0x47;
inline constexpr uint16_t kPidCount = 8192;
inline constexpr uint16_t kNullPid = 0x1FFF;
inline constexpr int64_t kPcrHz = 27'000'000;
// PCR values wrap at 2^33 * 300 ticks of the 27 MHz clock (about 26.5 hours).
inline constexpr int64_t kPcrWrap = (int64_t{1} << 33) * 300;

struct TsPacket {
  uint8_t bytes[kPacketSize];

  // A view of 188 bytes the caller owns (a receive buffer); alignment 1, trivially copyable,
  // so the bytes of such a buffer implicitly hold a TsPacket. Any thread.
  static const TsPacket& at(const uint8_t* data) {
    return *reinterpret_cast<const TsPacket*>(data);  // NOLINT: byte view by design
  }

  // sync_byte, 0x47 in a well-formed packet. Any thread.
  uint8_t syncByte() const { return bytes[0]; }
  // transport_error_indicator: set upstream when the packet is known to be damaged. Any thread.
  bool transportError() const { return (bytes[1] & 0x80) != 0; }
  // payload_unit_start_indicator: a PES packet or a pointer_field starts here. Any thread.
  bool payloadUnitStart() const { return (bytes[1] & 0x40) != 0; }
  // transport_priority. Any thread.
  bool transportPriority() const { return (bytes[1] & 0x20) != 0; }
  // 13-bit PID. Any thread.
  uint16_t pid() const { return static_cast<uint16_t>(((bytes[1] & 0x1F) << 8) | bytes[2]); }
  // transport_scrambling_control: 0 clear, 1 reserved, 2 even key, 3 odd key. Any thread.
  uint8_t scramblingControl() const { return static_cast<uint8_t>(bytes[3] >> 6); }
  bool scrambled() const { return scramblingControl() != 0; }
  // adaptation_field_control: 1 payload only, 2 adaptation field only, 3 both, 0 reserved.
  // Any thread.
  uint8_t adaptationFieldControl() const { return static_cast<uint8_t>((bytes[3] >> 4) & 0x3); }
  // continuity_counter (4 bits). Any thread.
  uint8_t continuityCounter() const { return bytes[3] & 0x0F; }
  bool hasAdaptationField() const { return (adaptationFieldControl() & 0x2) != 0; }
  // True when adaptation_field_control announces a payload (even if it is empty). Any thread.
  bool hasPayload() const { return (adaptationFieldControl() & 0x1) != 0; }

  // adaptation_field_length as written (0 without an adaptation field). Any thread.
  uint8_t adaptationFieldLength() const { return hasAdaptationField() ? bytes[4] : 0; }
  // The adaptation field fits in the packet (at most 183 bytes after its length byte).
  // Any thread.
  bool adaptationFieldValid() const { return !hasAdaptationField() || bytes[4] <= 183; }
  // discontinuity_indicator of the adaptation field. Any thread.
  bool discontinuityIndicator() const { return afFlags() & 0x80; }
  // random_access_indicator. Any thread.
  bool randomAccess() const { return afFlags() & 0x40; }
  // elementary_stream_priority_indicator. Any thread.
  bool esPriority() const { return afFlags() & 0x20; }
  // PCR_flag, only when the adaptation field is long enough to hold the 6 PCR bytes.
  // Any thread.
  bool hasPcr() const { return (afFlags() & 0x10) != 0 && bytes[4] >= 7; }
  // PCR in 27 MHz ticks: program_clock_reference_base * 300 + extension. Call only when
  // hasPcr(). Any thread.
  int64_t pcr() const {
    const uint8_t* p = bytes + 6;
    const int64_t base = (int64_t{p[0]} << 25) | (int64_t{p[1]} << 17) | (int64_t{p[2]} << 9) |
                         (int64_t{p[3]} << 1) | (p[4] >> 7);
    const int64_t ext = ((p[4] & 0x01) << 8) | p[5];
    return base * 300 + ext;
  }

  // Offset of the first payload byte; 188 when there is no usable payload. Any thread.
  size_t payloadOffset() const {
    if (!hasPayload()) {
      return kPacketSize;
    }
    if (!hasAdaptationField()) {
      return 4;
    }
    const size_t end = size_t{5} + bytes[4];
    return end > kPacketSize ? kPacketSize : end;
  }
  // Payload bytes (may be 0). Any thread.
  size_t payloadSize() const { return kPacketSize - payloadOffset(); }
  const uint8_t* payload() const { return bytes + payloadOffset(); }

 private:
  // The flags byte of the adaptation field, or 0 when there is none or it is empty.
  uint8_t afFlags() const {
    return hasAdaptationField() && bytes[4] >= 1 && bytes[4] <= 183 ? bytes[5] : 0;
  }
};

static_assert(sizeof(TsPacket) == kPacketSize, "a TsPacket is exactly one 188-byte packet");
static_assert(alignof(TsPacket) == 1);

// Difference b - a of two PCR values in ticks, taking the 2^33*300 wrap into account:
// in (-kPcrWrap/2, kPcrWrap/2]. Any thread.
inline int64_t pcrDiff(int64_t a, int64_t b) {
  int64_t d = (b - a) % kPcrWrap;
  if (d > kPcrWrap / 2) {
    d -= kPcrWrap;
  } else if (d <= -kPcrWrap / 2) {
    d += kPcrWrap;
  }
  return d;
}

// 27 MHz ticks to nanoseconds. Any thread.
inline int64_t pcrTicksToNs(int64_t ticks) { return ticks * 1000 / 27; }

}  // namespace srtgw::ts
