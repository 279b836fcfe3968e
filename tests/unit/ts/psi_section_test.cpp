// SectionAssembler: sections across packets, several per packet, stuffing, damage.

#include <gtest/gtest.h>

#include "ts/psi_section.hpp"
#include "ts_generator.hpp"

namespace srtgw::ts::testing {
namespace {

struct Collected {
  std::vector<std::vector<uint8_t>> sections;
  std::vector<bool> crc_ok;
};

Collected run(SectionAssembler& a, const std::vector<TsPacket>& pkts) {
  Collected c;
  for (const TsPacket& p : pkts) {
    a.feed(p, [&](const Section& s) {
      c.sections.emplace_back(s.data, s.data + s.size);
      c.crc_ok.push_back(s.crc_ok);
      EXPECT_TRUE(s.has_crc);
    });
  }
  return c;
}

std::vector<uint8_t> sectionOfSize(uint8_t tid, size_t body_size, uint8_t fill) {
  return makeLongSection(tid, 7, 0, std::vector<uint8_t>(body_size, fill));
}

TEST(SectionAssembler, OneSectionInOnePacket) {
  const auto s = sectionOfSize(0x02, 20, 0x11);
  uint8_t cc = 0;
  SectionAssembler a;
  const Collected c = run(a, packetizeSections(0x100, s, cc));
  ASSERT_EQ(c.sections.size(), 1U);
  EXPECT_EQ(c.sections[0], s);
  EXPECT_TRUE(c.crc_ok[0]);
}

TEST(SectionAssembler, SectionSpanningManyPackets) {
  const auto s = sectionOfSize(0x4E, 1000, 0x22);  // like an EIT section
  uint8_t cc = 0;
  const auto pkts = packetizeSections(0x12, s, cc);
  ASSERT_EQ(pkts.size(), 6U);
  SectionAssembler a;
  const Collected c = run(a, pkts);
  ASSERT_EQ(c.sections.size(), 1U);
  EXPECT_EQ(c.sections[0], s);
  EXPECT_TRUE(c.crc_ok[0]);
}

TEST(SectionAssembler, SeveralSectionsInOnePacketThenStuffing) {
  auto all = sectionOfSize(0x42, 10, 0x01);
  const auto b = sectionOfSize(0x46, 30, 0x02);
  const auto c3 = sectionOfSize(0x4A, 5, 0x03);
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c3.begin(), c3.end());
  uint8_t cc = 0;
  SectionAssembler a;
  const Collected c = run(a, packetizeSections(0x11, all, cc));
  ASSERT_EQ(c.sections.size(), 3U);
  EXPECT_EQ(c.sections[1], b);
  EXPECT_EQ(c.sections[2], c3);
}

TEST(SectionAssembler, PointerFieldFinishesThePreviousSection) {
  // Section A spans into the second packet, where B starts after pointer_field bytes of A.
  const auto sa = sectionOfSize(0x02, 200, 0xA1);  // 212 bytes
  const auto sb = sectionOfSize(0x02, 20, 0xB2);
  TsPacket p1 = nullPacket();
  p1.bytes[1] = 0x41;  // PUSI, PID 0x100
  p1.bytes[2] = 0x00;
  p1.bytes[3] = 0x10;
  p1.bytes[4] = 0;  // pointer_field
  std::copy_n(sa.data(), 183, p1.bytes + 5);
  TsPacket p2 = p1;
  p2.bytes[3] = 0x11;
  const size_t rest = sa.size() - 183;
  p2.bytes[4] = static_cast<uint8_t>(rest);
  std::fill(p2.bytes + 5, p2.bytes + kPacketSize, 0xFF);
  std::copy_n(sa.data() + 183, rest, p2.bytes + 5);
  std::copy_n(sb.data(), sb.size(), p2.bytes + 5 + rest);
  SectionAssembler a;
  const Collected c = run(a, {p1, p2});
  ASSERT_EQ(c.sections.size(), 2U);
  EXPECT_EQ(c.sections[0], sa);
  EXPECT_EQ(c.sections[1], sb);
}

TEST(SectionAssembler, SectionHeaderSplitAcrossPackets) {
  // The first section ends 2 bytes before the packet end; the second's header straddles.
  const auto sa = sectionOfSize(0x02, 170, 0x01);  // 182 bytes: leaves 1 byte in packet 1
  const auto sb = sectionOfSize(0x02, 40, 0x02);
  auto both = sa;
  both.insert(both.end(), sb.begin(), sb.end());
  uint8_t cc = 0;
  SectionAssembler a;
  const Collected c = run(a, packetizeSections(0x100, both, cc));
  ASSERT_EQ(c.sections.size(), 2U);
  EXPECT_EQ(c.sections[1], sb);
}

TEST(SectionAssembler, CorruptedSectionIsReportedWithBadCrc) {
  auto s = sectionOfSize(0x00, 8, 0x00);
  s[10] ^= 0xFF;
  uint8_t cc = 0;
  SectionAssembler a;
  const Collected c = run(a, packetizeSections(0, s, cc));
  ASSERT_EQ(c.sections.size(), 1U);
  EXPECT_FALSE(c.crc_ok[0]);
}

TEST(SectionAssembler, LostPacketDropsThePartialSection) {
  const auto s = sectionOfSize(0x4E, 600, 0x33);
  uint8_t cc = 0;
  auto pkts = packetizeSections(0x12, s, cc);
  SectionAssembler a;
  a.feed(pkts[0], [](const Section&) { ADD_FAILURE(); });
  a.reset();  // as the analyzer does on a continuity break
  for (size_t i = 2; i < pkts.size(); ++i) {
    a.feed(pkts[i], [](const Section&) { ADD_FAILURE(); });
  }
  EXPECT_EQ(a.dropped(), 1U);
  // The next complete section still comes out.
  const Collected c = run(a, packetizeSections(0x12, s, cc));
  EXPECT_EQ(c.sections.size(), 1U);
}

TEST(SectionAssembler, PointerFieldBeyondThePayloadIsIgnored) {
  TsPacket p = nullPacket();
  p.bytes[1] = 0x40;
  p.bytes[2] = 0x00;
  p.bytes[4] = 200;
  SectionAssembler a;
  a.feed(p, [](const Section&) { ADD_FAILURE(); });
  SUCCEED();
}

TEST(SectionAssembler, ImpossibleSectionLengthIsDropped) {
  TsPacket p = nullPacket();
  p.bytes[1] = 0x40;
  p.bytes[2] = 0x00;
  p.bytes[4] = 0;
  p.bytes[5] = 0x02;
  p.bytes[6] = 0xBF;  // section_length 0xFFF > 4093
  p.bytes[7] = 0xFF;
  SectionAssembler a;
  a.feed(p, [](const Section&) { ADD_FAILURE(); });
  EXPECT_EQ(a.dropped(), 1U);
}

}  // namespace
}  // namespace srtgw::ts::testing
