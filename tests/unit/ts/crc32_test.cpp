#include <gtest/gtest.h>

#include <cstring>

#include "ts/crc32.hpp"
#include "ts_generator.hpp"

namespace srtgw::ts::testing {
namespace {

TEST(Crc32Mpeg2, CheckValue) {
  const char* check = "123456789";
  EXPECT_EQ(crc32Mpeg2(reinterpret_cast<const uint8_t*>(check), std::strlen(check)), 0x0376E6E7U);
}

TEST(Crc32Mpeg2, SectionWithItsCrcChecksToZero) {
  std::vector<uint8_t> s = makeLongSection(0x00, 1, 0, {0x00, 0x01, 0xE1, 0x00});
  EXPECT_TRUE(sectionCrcOk(s.data(), s.size()));
  s[9] ^= 0x40;
  EXPECT_FALSE(sectionCrcOk(s.data(), s.size()));
}

TEST(Crc32Mpeg2, KnownPat) {
  // A PAT as written by common multiplexers: tsid 1, program 1 -> PMT PID 0x1000.
  const uint8_t pat[] = {0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00,
                         0x00, 0x01, 0xF0, 0x00, 0x2A, 0xB1, 0x04, 0xB2};
  EXPECT_TRUE(sectionCrcOk(pat, sizeof(pat)));
}

}  // namespace
}  // namespace srtgw::ts::testing
