// TsPacket accessors, including malformed adaptation fields.

#include <gtest/gtest.h>

#include "ts/ts_packet.hpp"
#include "ts_generator.hpp"

namespace srtgw::ts::testing {
namespace {

TsPacket packetWith(std::initializer_list<uint8_t> head) {
  TsPacket p{};
  std::fill(std::begin(p.bytes), std::end(p.bytes), 0xFF);
  size_t i = 0;
  for (const uint8_t b : head) {
    p.bytes[i++] = b;
  }
  return p;
}

TEST(TsPacket, HeaderFields) {
  const TsPacket p = packetWith({0x47, 0xE1, 0x23, 0xD5});
  EXPECT_EQ(p.syncByte(), 0x47);
  EXPECT_TRUE(p.transportError());
  EXPECT_TRUE(p.payloadUnitStart());
  EXPECT_TRUE(p.transportPriority());
  EXPECT_EQ(p.pid(), 0x0123);
  EXPECT_EQ(p.scramblingControl(), 3);
  EXPECT_TRUE(p.scrambled());
  EXPECT_EQ(p.adaptationFieldControl(), 1);
  EXPECT_EQ(p.continuityCounter(), 5);
  EXPECT_TRUE(p.hasPayload());
  EXPECT_FALSE(p.hasAdaptationField());
  EXPECT_EQ(p.payloadOffset(), 4U);
  EXPECT_EQ(p.payloadSize(), 184U);
  EXPECT_FALSE(p.hasPcr());
}

TEST(TsPacket, PcrAndFlags) {
  // base = 0x1_2345_6789 (33 bits), extension = 0x123.
  const int64_t base = 0x123456789LL;
  const int64_t ext = 0x123;
  TsPacket p = packetWith({0x47, 0x01, 0x00, 0x30, 7, 0xD0});
  p.bytes[6] = static_cast<uint8_t>(base >> 25);
  p.bytes[7] = static_cast<uint8_t>(base >> 17);
  p.bytes[8] = static_cast<uint8_t>(base >> 9);
  p.bytes[9] = static_cast<uint8_t>(base >> 1);
  p.bytes[10] = static_cast<uint8_t>(((base & 1) << 7) | 0x7E | (ext >> 8));
  p.bytes[11] = static_cast<uint8_t>(ext);
  EXPECT_TRUE(p.hasAdaptationField());
  EXPECT_EQ(p.adaptationFieldLength(), 7);
  EXPECT_TRUE(p.discontinuityIndicator());
  EXPECT_TRUE(p.randomAccess());
  EXPECT_TRUE(p.hasPcr());
  EXPECT_EQ(p.pcr(), base * 300 + ext);
  EXPECT_EQ(p.payloadOffset(), 12U);
  EXPECT_EQ(p.payloadSize(), 176U);
}

TEST(TsPacket, AdaptationOnlyHasNoPayload) {
  const TsPacket p = packetWith({0x47, 0x01, 0x00, 0x20, 183, 0x00});
  EXPECT_FALSE(p.hasPayload());
  EXPECT_EQ(p.payloadSize(), 0U);
  EXPECT_TRUE(p.adaptationFieldValid());
}

TEST(TsPacket, OversizedAdaptationFieldIsContained) {
  for (int len = 184; len <= 255; ++len) {
    const TsPacket p = packetWith({0x47, 0x01, 0x00, 0x30, static_cast<uint8_t>(len), 0xFF});
    EXPECT_FALSE(p.adaptationFieldValid());
    EXPECT_EQ(p.payloadSize(), 0U) << len;
    EXPECT_LE(p.payloadOffset(), kPacketSize);
    EXPECT_FALSE(p.hasPcr());
    EXPECT_FALSE(p.discontinuityIndicator());
  }
}

TEST(TsPacket, ShortAdaptationFieldHasNoPcr) {
  // PCR_flag set but the field is too short to hold the PCR.
  const TsPacket p = packetWith({0x47, 0x01, 0x00, 0x30, 3, 0x10});
  EXPECT_FALSE(p.hasPcr());
  EXPECT_EQ(p.payloadOffset(), 8U);
  const TsPacket empty = packetWith({0x47, 0x01, 0x00, 0x30, 0, 0xFF});
  EXPECT_FALSE(empty.discontinuityIndicator());
  EXPECT_EQ(empty.payloadOffset(), 5U);
}

TEST(TsPacket, PcrDiffHandlesWrap) {
  EXPECT_EQ(pcrDiff(100, 250), 150);
  EXPECT_EQ(pcrDiff(250, 100), -150);
  EXPECT_EQ(pcrDiff(kPcrWrap - 10, 20), 30);
  EXPECT_EQ(pcrDiff(20, kPcrWrap - 10), -30);
  EXPECT_EQ(pcrTicksToNs(27'000'000), 1'000'000'000);
}

TEST(TsPacket, NullPacketFromGenerator) {
  const TsPacket p = nullPacket();
  EXPECT_EQ(p.pid(), kNullPid);
  EXPECT_EQ(p.syncByte(), kSyncByte);
}

}  // namespace
}  // namespace srtgw::ts::testing
