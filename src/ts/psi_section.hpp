#pragma once
// SectionAssembler: rebuilds PSI/SI sections (ISO/IEC 13818-1 clause 2.4.4) from the packets
// of one PID: pointer_field, sections spanning packets, several sections in one packet and
// 0xFF stuffing. Each complete section is handed to a callback with its CRC_32 verdict.
// The buffer is allocated once; feeding never allocates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ts/crc32.hpp"
#include "ts/ts_packet.hpp"

namespace srtgw::ts {

// A complete section, valid only during the callback.
struct Section {
  const uint8_t* data = nullptr;  // table_id first, CRC_32 (if any) last
  size_t size = 0;
  uint8_t table_id = 0;
  bool has_crc = false;  // long-form sections and the TOT carry a CRC_32
  bool crc_ok = true;    // true when there is no CRC to check
};

class SectionAssembler {
 public:
  // Longest section: 3 header bytes + section_length up to 4093 (private sections, EIT).
  static constexpr size_t kMaxSection = 4096;

  // Feeds the payload of one packet of this PID; calls on_section(const Section&) for every
  // section it completes. Skip duplicate packets, and call reset() after a lost packet.
  // Thread that owns the assembler.
  template <typename OnSection>
  void feed(const TsPacket& pkt, OnSection&& on_section) {
    const size_t n = pkt.payloadSize();
    if (n == 0) {
      return;
    }
    const uint8_t* p = pkt.payload();
    if (!pkt.payloadUnitStart()) {
      consume(p, n, false, on_section);
      return;
    }
    const size_t pointer = p[0];
    if (pointer + 1 > n) {
      dropPartial();
      return;
    }
    // The bytes before the pointed-to start finish the section in progress, if any.
    consume(p + 1, pointer, false, on_section);
    dropPartial();
    consume(p + 1 + pointer, n - 1 - pointer, true, on_section);
  }

  // Forgets a partly assembled section (after a continuity break). Owner thread.
  void reset() { dropPartial(); }

  // Sections abandoned incomplete or with an impossible length. Owner thread.
  uint64_t dropped() const { return dropped_; }

 private:
  template <typename OnSection>
  void consume(const uint8_t* p, size_t n, bool may_start, OnSection& on_section) {
    while (n > 0) {
      if (!in_progress_) {
        // A new section only starts where a pointer_field says so; 0xFF is stuffing.
        if (!may_start || p[0] == 0xFF) {
          return;
        }
        in_progress_ = true;
        have_ = 0;
        need_ = 0;
      }
      if (need_ == 0) {
        const size_t take = n < 3 - have_ ? n : 3 - have_;
        copy(p, take);
        p += take;
        n -= take;
        if (have_ < 3) {
          return;
        }
        need_ = 3 + (((size_t{buf_[1]} & 0x0F) << 8) | buf_[2]);
        if (need_ > kMaxSection) {
          dropPartial();
          return;
        }
      }
      const size_t take = n < need_ - have_ ? n : need_ - have_;
      copy(p, take);
      p += take;
      n -= take;
      if (have_ == need_) {
        in_progress_ = false;
        Section s;
        s.data = buf_.data();
        s.size = have_;
        s.table_id = buf_[0];
        s.has_crc = (buf_[1] & 0x80) != 0 || s.table_id == 0x73;
        s.crc_ok = !s.has_crc || sectionCrcOk(s.data, s.size);
        on_section(s);
      }
    }
  }

  void copy(const uint8_t* p, size_t n) {
    if (n > 0) {
      std::memcpy(buf_.data() + have_, p, n);
      have_ += n;
    }
  }

  void dropPartial() {
    if (in_progress_) {
      ++dropped_;
      in_progress_ = false;
    }
  }

  std::array<uint8_t, kMaxSection> buf_{};
  size_t have_ = 0;
  size_t need_ = 0;  // 0 until the 3-byte header is in
  bool in_progress_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace srtgw::ts
