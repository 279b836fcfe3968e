// PAT, PMT and SDT parsing; stream classification; DVB text.

#include <gtest/gtest.h>

#include "ts/dvb_text.hpp"
#include "ts/psi_tables.hpp"
#include "ts_generator.hpp"

namespace srtgw::ts::testing {
namespace {

Section asSection(const std::vector<uint8_t>& bytes) {
  Section s;
  s.data = bytes.data();
  s.size = bytes.size();
  s.table_id = bytes[0];
  s.has_crc = true;
  s.crc_ok = true;
  return s;
}

TEST(PsiTables, Pat) {
  const auto bytes = makeLongSection(0x00, 0x1234, 3,
                                     {0x00, 0x00, 0xE0, 0x10,    // NIT on 0x10
                                      0x00, 0x01, 0xE1, 0x00,    // program 1 -> 0x100
                                      0x00, 0x02, 0xE2, 0x00});  // program 2 -> 0x200
  const auto pat = parsePat(asSection(bytes));
  ASSERT_TRUE(pat);
  EXPECT_EQ(pat->transport_stream_id, 0x1234);
  EXPECT_EQ(pat->version, 3);
  ASSERT_EQ(pat->programs.size(), 2U);
  EXPECT_EQ(pat->programs[1].program_number, 2);
  EXPECT_EQ(pat->programs[1].pmt_pid, 0x200);
  ASSERT_TRUE(pat->nit_pid);
  EXPECT_EQ(*pat->nit_pid, 0x10);
  EXPECT_FALSE(parsePmt(asSection(bytes)));
}

struct EsCase {
  uint8_t stream_type;
  std::vector<uint8_t> descriptors;
  StreamKind kind;
  std::string codec;
};

TEST(PsiTables, PmtClassifiesStreams) {
  const std::vector<EsCase> cases = {
      {0x1B, {}, StreamKind::kVideo, "H.264"},
      {0x24, {}, StreamKind::kVideo, "HEVC"},
      {0x02, {}, StreamKind::kVideo, "MPEG-2 video"},
      {0x03, {}, StreamKind::kAudio, "MPEG-1 audio"},
      {0x04, {}, StreamKind::kAudio, "MPEG-2 audio"},
      {0x0F, {}, StreamKind::kAudio, "AAC (ADTS)"},
      {0x11, {}, StreamKind::kAudio, "AAC (LATM)"},
      {0x81, {}, StreamKind::kAudio, "AC-3"},
      {0x87, {}, StreamKind::kAudio, "E-AC-3"},
      {0x86, {}, StreamKind::kScte35, "SCTE-35"},
      {0x06, {0x6A, 1, 0x00}, StreamKind::kAudio, "AC-3"},
      {0x06, {0x7A, 1, 0x00}, StreamKind::kAudio, "E-AC-3"},
      {0x06, {0x56, 5, 'e', 'n', 'g', 0x09, 0x00}, StreamKind::kTeletext, "teletext"},
      {0x06, {0x59, 8, 'd', 'e', 'u', 0x10, 0, 1, 0, 1}, StreamKind::kSubtitles, "DVB subtitles"},
      {0x06, {0x05, 4, 'A', 'C', '-', '3'}, StreamKind::kAudio, "AC-3"},
      {0x06, {0x05, 4, 'E', 'A', 'C', '3'}, StreamKind::kAudio, "E-AC-3"},
      {0x06, {0x05, 4, 'C', 'U', 'E', 'I'}, StreamKind::kScte35, "SCTE-35"},
      {0x06, {}, StreamKind::kData, "private data"},
      {0x99, {0x05, 4, 'H', 'E', 'V', 'C'}, StreamKind::kVideo, "HEVC"},
  };
  std::vector<uint8_t> body = {0xE1, 0x01, 0xF0, 0x00};  // PCR PID 0x101, no program_info
  uint16_t pid = 0x101;
  for (const EsCase& c : cases) {
    body.push_back(c.stream_type);
    body.push_back(static_cast<uint8_t>(0xE0 | (pid >> 8)));
    body.push_back(static_cast<uint8_t>(pid++));
    body.push_back(0xF0);
    body.push_back(static_cast<uint8_t>(c.descriptors.size()));
    body.insert(body.end(), c.descriptors.begin(), c.descriptors.end());
  }
  const auto bytes = makeLongSection(0x02, 7, 1, body);
  const auto pmt = parsePmt(asSection(bytes));
  ASSERT_TRUE(pmt);
  EXPECT_EQ(pmt->program_number, 7);
  EXPECT_EQ(pmt->pcr_pid, 0x101);
  ASSERT_EQ(pmt->streams.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(pmt->streams[i].pid, 0x101 + i);
    EXPECT_EQ(pmt->streams[i].klass.codec, cases[i].codec) << i;
    EXPECT_EQ(pmt->streams[i].klass.kind, cases[i].kind) << i;
  }
  EXPECT_FALSE(pmt->streams[9].klass.pes);  // SCTE-35 travels in sections
  EXPECT_TRUE(pmt->streams[0].klass.pes);
}

TEST(PsiTables, PmtWithTruncatedLoopIsRejected) {
  // ES_info_length claims more bytes than the section has.
  const auto bytes =
      makeLongSection(0x02, 1, 0, {0xE1, 0x01, 0xF0, 0x00, 0x1B, 0xE1, 0x01, 0xF0, 0x40, 0x0A});
  EXPECT_FALSE(parsePmt(asSection(bytes)));
}

TEST(PsiTables, SdtServiceDescriptor) {
  std::vector<uint8_t> desc = {0x48, 0, 0x19, 3, 'B', 'B', 'C', 5, 'O', 'n', 'e', ' ', 'H'};
  desc[1] = static_cast<uint8_t>(desc.size() - 2);
  std::vector<uint8_t> body = {0x00, 0x02, 0xFF, 0x10, 0x44, 0xFC, 0x80};
  body.push_back(static_cast<uint8_t>(desc.size()));
  for (const uint8_t b : desc) {
    body.push_back(b);  // (insert() trips a GCC 12 -Warray-bounds false positive here)
  }
  const auto bytes = makeLongSection(0x42, 9, 0, body);
  const auto sdt = parseSdt(asSection(bytes));
  ASSERT_TRUE(sdt);
  EXPECT_EQ(sdt->transport_stream_id, 9);
  EXPECT_EQ(sdt->original_network_id, 2);
  ASSERT_EQ(sdt->services.size(), 1U);
  EXPECT_EQ(sdt->services[0].service_id, 0x1044);
  EXPECT_EQ(sdt->services[0].service_type, 0x19);
  EXPECT_EQ(sdt->services[0].provider_name, "BBC");
  EXPECT_EQ(sdt->services[0].service_name, "One H");
}

std::string text(std::initializer_list<uint8_t> bytes) {
  const std::vector<uint8_t> v(bytes);
  return dvbTextToUtf8(v.data(), v.size());
}

TEST(DvbText, DefaultTableAscii) { EXPECT_EQ(text({'A', 'r', 't', 'e'}), "Arte"); }

TEST(DvbText, DefaultTableAccentBecomesCombiningMark) {
  // ISO/IEC 6937: 0xC2 (acute) + 'e' -> "e" U+0301.
  EXPECT_EQ(text({'C', 'a', 'f', 0xC2, 'e'}), "Cafe\xCC\x81");
}

TEST(DvbText, ControlCodesDropped) { EXPECT_EQ(text({'A', 0x86, 'B', 0x87, 0x8A}), "AB"); }

TEST(DvbText, Utf8Selector) {
  EXPECT_EQ(text({0x15, 'Z', 0xC3, 0xBC, 'r', 'i', 'c', 'h'}), "Z\xC3\xBCrich");
  EXPECT_EQ(text({0x15, 'a', 0xC3}), "a\xEF\xBF\xBD");  // truncated sequence replaced
}

TEST(DvbText, Latin1Selector) { EXPECT_EQ(text({0x10, 0x00, 0x01, 'M', 0xFC, 'n'}), "M\xC3\xBCn"); }

TEST(DvbText, OtherTablesKeepAscii) {
  EXPECT_EQ(text({0x05, 'T', 'V', 0xE9}), "TV\xEF\xBF\xBD");
  EXPECT_EQ(text({}), "");
  EXPECT_EQ(text({0x10, 0x00}), "");
}

}  // namespace
}  // namespace srtgw::ts::testing
