#include "ts_generator.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

#include "ts/crc32.hpp"
#include "ts/psi_tables.hpp"

namespace srtgw::ts::testing {
namespace {

constexpr int64_t kClockBaseNs = 10'000'000'000;  // PCR/PTS time of the first packet
constexpr int64_t kPtsDelayNs = 300'000'000;      // PTS runs this far ahead of the PCR

void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}

// Byte-by-byte: vector::insert of a string trips GCC 12 -Wstringop-overflow false positives.
void appendText(std::vector<uint8_t>& v, const std::string& text) {
  v.push_back(static_cast<uint8_t>(text.size()));
  for (const char ch : text) {
    v.push_back(static_cast<uint8_t>(ch));
  }
}

TsPacket blankPacket(uint16_t pid, bool pusi) {
  TsPacket p;
  std::fill(std::begin(p.bytes), std::end(p.bytes), 0xFF);
  p.bytes[0] = kSyncByte;
  p.bytes[1] = static_cast<uint8_t>((pusi ? 0x40 : 0) | (pid >> 8));
  p.bytes[2] = static_cast<uint8_t>(pid);
  return p;
}

void writePcr(uint8_t* p, int64_t pcr) {
  const int64_t base = pcr / 300;
  const int64_t ext = pcr % 300;
  p[0] = static_cast<uint8_t>(base >> 25);
  p[1] = static_cast<uint8_t>(base >> 17);
  p[2] = static_cast<uint8_t>(base >> 9);
  p[3] = static_cast<uint8_t>(base >> 1);
  p[4] = static_cast<uint8_t>(((base & 1) << 7) | 0x7E | (ext >> 8));
  p[5] = static_cast<uint8_t>(ext);
}

struct PesSource {
  uint16_t pid = 0;
  uint8_t stream_id = 0;
  int64_t period_ns = 0;
  size_t pes_bytes = 0;
  bool bounded = false;  // PES_packet_length filled in (audio) or 0 (video)
  int64_t next_release_ns = 0;
  int64_t frame = 0;
  std::vector<uint8_t> cur;
  size_t off = 0;
  int64_t cur_release_ns = 0;
  uint8_t cc = 15;  // the first payload packet gets 0

  bool pending() const { return off < cur.size(); }

  void release(int64_t t_rel) {
    if (pending() || t_rel < next_release_ns) {
      return;
    }
    const int64_t pts = (frame * period_ns + kClockBaseNs + kPtsDelayNs) / 1000 * 9 / 100;
    cur.assign(pes_bytes, 0xAA);
    cur[0] = 0;
    cur[1] = 0;
    cur[2] = 1;
    cur[3] = stream_id;
    const size_t len = bounded ? pes_bytes - 6 : 0;
    cur[4] = static_cast<uint8_t>(len >> 8);
    cur[5] = static_cast<uint8_t>(len);
    cur[6] = 0x80;
    cur[7] = 0x80;  // PTS only
    cur[8] = 5;
    cur[9] = static_cast<uint8_t>(0x21 | ((pts >> 29) & 0x0E));
    cur[10] = static_cast<uint8_t>(pts >> 22);
    cur[11] = static_cast<uint8_t>(((pts >> 14) & 0xFE) | 1);
    cur[12] = static_cast<uint8_t>(pts >> 7);
    cur[13] = static_cast<uint8_t>(((pts << 1) & 0xFE) | 1);
    off = 0;
    cur_release_ns = next_release_ns;
    ++frame;
    next_release_ns = frame * period_ns;
  }

  // The next packet of this PID, with a PCR when pcr >= 0. Adaptation-only when there is
  // nothing to send (only with a PCR).
  TsPacket emit(int64_t pcr) {
    const size_t remaining = cur.size() - off;
    TsPacket p = blankPacket(pid, remaining > 0 && off == 0);
    uint8_t* b = p.bytes;
    if (remaining == 0) {
      b[3] = static_cast<uint8_t>(0x20 | cc);  // no payload: the counter does not advance
      b[4] = 183;
      b[5] = 0x10;
      writePcr(b + 6, pcr);
      return p;
    }
    const size_t room = pcr >= 0 ? 176 : 184;
    const size_t take = std::min(remaining, room);
    const size_t af_total = 184 - take;  // adaptation field bytes, length byte included
    cc = static_cast<uint8_t>((cc + 1) & 0x0F);
    b[3] = static_cast<uint8_t>((af_total > 0 ? 0x30 : 0x10) | cc);
    if (af_total > 0) {
      b[4] = static_cast<uint8_t>(af_total - 1);
      if (af_total > 1) {
        b[5] = pcr >= 0 ? 0x10 : 0x00;
        if (pcr >= 0) {
          writePcr(b + 6, pcr);
        }
      }
    }
    std::copy_n(cur.data() + off, take, b + 4 + af_total);
    off += take;
    return p;
  }
};

std::vector<uint8_t> patSection(const GeneratorConfig& c) {
  std::vector<uint8_t> body;
  put16(body, c.program_number);
  put16(body, static_cast<uint16_t>(0xE000 | c.pmt_pid));
  return makeLongSection(0x00, c.transport_stream_id, 0, body);
}

std::vector<uint8_t> pmtSection(const GeneratorConfig& c) {
  std::vector<uint8_t> body;
  put16(body, static_cast<uint16_t>(0xE000 | c.video_pid));  // PCR_PID
  put16(body, 0xF000);                                       // no program_info
  const auto stream = [&](uint8_t type, uint16_t pid, const std::vector<uint8_t>& desc) {
    body.push_back(type);
    put16(body, static_cast<uint16_t>(0xE000 | pid));
    put16(body, static_cast<uint16_t>(0xF000 | desc.size()));
    body.insert(body.end(), desc.begin(), desc.end());
  };
  stream(c.video_stream_type, c.video_pid, {});
  if (c.with_audio) {
    stream(c.audio_stream_type, c.audio_pid, {0x0A, 4, 'e', 'n', 'g', 0});
  }
  for (const ExtraStream& e : c.extra_streams) {
    stream(e.stream_type, e.pid, e.descriptors);
  }
  return makeLongSection(0x02, c.program_number, 0, body);
}

std::vector<uint8_t> sdtSection(const GeneratorConfig& c) {
  std::vector<uint8_t> desc = {0x48, 0, 0x01};
  appendText(desc, c.provider_name);
  appendText(desc, c.service_name);
  desc[1] = static_cast<uint8_t>(desc.size() - 2);
  std::vector<uint8_t> body;
  put16(body, 0x1234);  // original_network_id
  body.push_back(0xFF);
  put16(body, c.program_number);
  body.push_back(0xFC);                                      // no EIT
  put16(body, static_cast<uint16_t>(0x8000 | desc.size()));  // running
  for (const uint8_t b : desc) {
    body.push_back(b);
  }
  return makeLongSection(0x42, c.transport_stream_id, 0, body);
}

}  // namespace

std::vector<uint8_t> makeLongSection(uint8_t table_id, uint16_t table_id_extension, uint8_t version,
                                     const std::vector<uint8_t>& body) {
  std::vector<uint8_t> s;
  const size_t length = 5 + body.size() + 4;
  s.push_back(table_id);
  s.push_back(static_cast<uint8_t>(0xB0 | (length >> 8)));
  s.push_back(static_cast<uint8_t>(length));
  put16(s, table_id_extension);
  s.push_back(static_cast<uint8_t>(0xC1 | (version << 1)));
  s.push_back(0);
  s.push_back(0);
  s.insert(s.end(), body.begin(), body.end());
  const uint32_t crc = crc32Mpeg2(s.data(), s.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    s.push_back(static_cast<uint8_t>(crc >> shift));
  }
  return s;
}

std::vector<TsPacket> packetizeSections(uint16_t pid, const std::vector<uint8_t>& sections,
                                        uint8_t& cc) {
  std::vector<TsPacket> out;
  size_t off = 0;
  bool first = true;
  while (off < sections.size() || first) {
    TsPacket p = blankPacket(pid, first);
    cc = static_cast<uint8_t>((cc + 1) & 0x0F);
    p.bytes[3] = static_cast<uint8_t>(0x10 | cc);
    size_t pos = 4;
    if (first) {
      p.bytes[pos++] = 0;  // pointer_field
    }
    const size_t take = std::min(sections.size() - off, kPacketSize - pos);
    std::copy_n(sections.data() + off, take, p.bytes + pos);
    off += take;
    first = false;
    out.push_back(p);
  }
  return out;
}

TsPacket nullPacket() {
  TsPacket p = blankPacket(kNullPid, false);
  p.bytes[3] = 0x10;
  return p;
}

TsStream generateStream(const GeneratorConfig& c) {
  TsStream out;
  const double slot_ns =
      static_cast<double>(kPacketSize * 8) * 1e9 / static_cast<double>(c.bitrate_bps);
  const auto slots = static_cast<size_t>(static_cast<double>(c.duration_ns) / slot_ns);
  out.packets.reserve(slots);
  out.arrival_ns.reserve(slots);

  PesSource video;
  video.pid = c.video_pid;
  video.stream_id = 0xE0;
  video.period_ns = c.frame_ns;
  video.pes_bytes = static_cast<size_t>(c.video_bps * c.frame_ns / 8'000'000'000);
  PesSource audio;
  audio.pid = c.audio_pid;
  audio.stream_id = 0xC0;
  audio.period_ns = c.audio_frame_ns;
  audio.pes_bytes = static_cast<size_t>(c.audio_bps * c.audio_frame_ns / 8'000'000'000);
  audio.bounded = true;

  const std::vector<uint8_t> pat = patSection(c);
  const std::vector<uint8_t> pmt = pmtSection(c);
  const std::vector<uint8_t> sdt = sdtSection(c);
  const std::vector<uint8_t> cat = makeLongSection(0x01, 0xFFFF, 0, {});
  uint8_t pat_cc = 15;
  uint8_t pmt_cc = 15;
  uint8_t sdt_cc = 15;
  uint8_t cat_cc = 15;
  std::deque<TsPacket> psi;
  int64_t next_psi = 0;
  int64_t next_sdt = 0;
  int64_t last_pcr = -c.pcr_period_ns;

  for (size_t i = 0; i < slots; ++i) {
    const auto t = static_cast<int64_t>(std::llround(static_cast<double>(i) * slot_ns));
    if (t >= next_psi) {
      for (const auto& p : packetizeSections(kPidPat, pat, pat_cc)) {
        psi.push_back(p);
      }
      for (const auto& p : packetizeSections(c.pmt_pid, pmt, pmt_cc)) {
        psi.push_back(p);
      }
      if (c.with_cat) {
        for (const auto& p : packetizeSections(kPidCat, cat, cat_cc)) {
          psi.push_back(p);
        }
      }
      next_psi += c.psi_period_ns;
    }
    if (c.with_sdt && t >= next_sdt) {
      for (const auto& p : packetizeSections(0x11, sdt, sdt_cc)) {
        psi.push_back(p);
      }
      next_sdt += c.sdt_period_ns;
    }
    video.release(t);
    if (c.with_audio) {
      audio.release(t);
    }
    TsPacket pkt;
    if (!psi.empty()) {
      pkt = psi.front();
      psi.pop_front();
    } else if (t - last_pcr >= c.pcr_period_ns) {
      pkt = video.emit((t + kClockBaseNs) * 27 / 1000);
      last_pcr = t;
    } else if (video.pending() &&
               (!audio.pending() || video.cur_release_ns <= audio.cur_release_ns)) {
      pkt = video.emit(-1);
    } else if (audio.pending()) {
      pkt = audio.emit(-1);
    } else {
      pkt = nullPacket();
    }
    out.packets.push_back(pkt);
    out.arrival_ns.push_back(c.start_ns + t);
  }
  return out;
}

std::vector<size_t> packetsOf(const TsStream& s, uint16_t pid, bool payload_only) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.packets[i].pid() == pid && (!payload_only || s.packets[i].hasPayload())) {
      idx.push_back(i);
    }
  }
  return idx;
}

void erase(TsStream& s, std::vector<size_t> indices) {
  std::sort(indices.rbegin(), indices.rend());
  for (const size_t i : indices) {
    s.packets.erase(s.packets.begin() + static_cast<std::ptrdiff_t>(i));
    s.arrival_ns.erase(s.arrival_ns.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void replaceWithNull(TsStream& s, uint16_t pid, int64_t from_ns, int64_t to_ns) {
  uint8_t cc = 0;
  bool counting = false;
  for (size_t i = 0; i < s.size(); ++i) {
    TsPacket& p = s.packets[i];
    if (p.pid() != pid) {
      continue;
    }
    if (s.arrival_ns[i] >= from_ns && s.arrival_ns[i] < to_ns) {
      p = nullPacket();
      continue;
    }
    // Renumber what follows so that the gap is not also a continuity error.
    if (p.hasPayload()) {
      cc = counting ? static_cast<uint8_t>((cc + 1) & 0x0F) : p.continuityCounter();
      counting = true;
    }
    p.bytes[3] = static_cast<uint8_t>((p.bytes[3] & 0xF0) | cc);
  }
}

void stripPcr(TsStream& s, uint16_t pid, int64_t from_ns, int64_t to_ns) {
  for (size_t i = 0; i < s.size(); ++i) {
    TsPacket& p = s.packets[i];
    if (p.pid() != pid || !p.hasPcr() || s.arrival_ns[i] < from_ns || s.arrival_ns[i] >= to_ns) {
      continue;
    }
    if (!p.hasPayload()) {
      p = nullPacket();
    } else {
      p.bytes[5] &= static_cast<uint8_t>(~0x10);
      std::fill(p.bytes + 6, p.bytes + 12, 0xFF);
    }
  }
}

void shiftPcr(TsStream& s, uint16_t pid, int64_t from_ns, int64_t delta_ticks) {
  for (size_t i = 0; i < s.size(); ++i) {
    TsPacket& p = s.packets[i];
    if (p.pid() == pid && p.hasPcr() && s.arrival_ns[i] >= from_ns) {
      writePcr(p.bytes + 6, (p.pcr() + delta_ticks) % kPcrWrap);
    }
  }
}

void stripPts(TsStream& s, uint16_t pid, int64_t from_ns, int64_t to_ns) {
  for (size_t i = 0; i < s.size(); ++i) {
    TsPacket& p = s.packets[i];
    if (p.pid() == pid && p.payloadUnitStart() && s.arrival_ns[i] >= from_ns &&
        s.arrival_ns[i] < to_ns && p.payloadSize() >= 14) {
      p.bytes[p.payloadOffset() + 7] &= 0x3F;
    }
  }
}

void duplicate(TsStream& s, size_t index, int copies) {
  const TsPacket p = s.packets[index];
  const int64_t t = s.arrival_ns[index];
  for (int k = 0; k < copies; ++k) {
    s.packets.insert(s.packets.begin() + static_cast<std::ptrdiff_t>(index) + 1, p);
    s.arrival_ns.insert(s.arrival_ns.begin() + static_cast<std::ptrdiff_t>(index) + 1, t);
  }
}

void corruptSection(TsStream& s, size_t index) {
  TsPacket& p = s.packets[index];
  const size_t start = p.payloadOffset() + 1 + p.bytes[p.payloadOffset()];
  p.bytes[start + 9] ^= 0x01;  // inside the table body
}

int64_t pcrOf(const TsStream& s, size_t index) {
  return s.packets[index].hasPcr() ? s.packets[index].pcr() : -1;
}

}  // namespace srtgw::ts::testing
