#include "srt/options.hpp"

#include <gtest/gtest.h>

namespace srtgw::srt {
namespace {

TEST(SrtOptions, EmptyIsValid) { EXPECT_TRUE(SrtOptions{}.validate().ok()); }

TEST(SrtOptions, PassphraseLengthBounds) {
  SrtOptions o;
  o.passphrase = std::string(9, 'x');
  auto r = o.validate();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "passphrase");
  EXPECT_EQ(r.error().message.find("xxxxxxxxx"), std::string::npos) << "never echo the secret";
  o.passphrase = std::string(10, 'x');
  EXPECT_TRUE(o.validate().ok());
  o.passphrase = std::string(80, 'x');
  EXPECT_TRUE(o.validate().ok());
  o.passphrase = std::string(81, 'x');
  EXPECT_FALSE(o.validate().ok());
}

TEST(SrtOptions, PbkeylenValues) {
  SrtOptions o;
  o.passphrase = "0123456789";
  for (int ok : {0, 16, 24, 32}) {
    o.pbkeylen = ok;
    EXPECT_TRUE(o.validate().ok()) << ok;
  }
  for (int bad : {1, 8, 15, 20, 64, -16}) {
    o.pbkeylen = bad;
    auto r = o.validate();
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "pbkeylen");
  }
}

TEST(SrtOptions, PbkeylenNeedsPassphrase) {
  SrtOptions o;
  o.pbkeylen = 32;
  EXPECT_FALSE(o.validate().ok());
}

TEST(SrtOptions, RangesNameTheirField) {
  struct Case {
    void (*set)(SrtOptions&);
    const char* field;
  } cases[] = {
      {[](SrtOptions& o) { o.latency_ms = -1; }, "latency_ms"},
      {[](SrtOptions& o) { o.latency_ms = 60001; }, "latency_ms"},
      {[](SrtOptions& o) { o.overhead_pct = 4; }, "overhead_pct"},
      {[](SrtOptions& o) { o.overhead_pct = 101; }, "overhead_pct"},
      {[](SrtOptions& o) { o.payload_size = 1457; }, "payload_size"},
      {[](SrtOptions& o) { o.max_bw = -2; }, "max_bw"},
      {[](SrtOptions& o) { o.input_bw = -1; }, "input_bw"},
      {[](SrtOptions& o) { o.conn_timeout_ms = 10; }, "conn_timeout_ms"},
      {[](SrtOptions& o) { o.stream_id = std::string(513, 's'); }, "stream_id"},
  };
  for (const auto& c : cases) {
    SrtOptions o;
    c.set(o);
    auto r = o.validate();
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().field, c.field);
  }
}

TEST(SrtOptions, OutputDefaultsSizeASocketThatOnlySends) {
  SrtOptions none;
  none.latency_ms = 200;
  const SrtOptions o = outputDefaults(none);
  EXPECT_EQ(o.flow_window, kOutputFlowWindow);
  EXPECT_EQ(o.rcvbuf, kOutputRcvBufBytes);
  EXPECT_EQ(o.sndbuf, kOutputSndBufBytes);
  EXPECT_EQ(o.latency_ms, 200) << "everything else is kept";
  EXPECT_TRUE(o.validate().ok());
}

TEST(SrtOptions, OutputDefaultsKeepWhatTheUserSet) {
  SrtOptions rcv;
  rcv.rcvbuf = 4'000'000;
  const SrtOptions a = outputDefaults(rcv);
  EXPECT_EQ(a.rcvbuf, 4'000'000);
  EXPECT_FALSE(a.flow_window) << "a small flow window would clamp the user's rcvbuf";
  SrtOptions fc;
  fc.flow_window = 8000;
  const SrtOptions b = outputDefaults(fc);
  EXPECT_EQ(b.flow_window, 8000);
  EXPECT_FALSE(b.rcvbuf);
  SrtOptions snd;
  snd.sndbuf = 1'000'000;
  EXPECT_EQ(outputDefaults(snd).sndbuf, 1'000'000);
}

TEST(SrtOptions, FecValidation) {
  SrtOptions o;
  o.fec = FecConfig{10, 5, "staircase", "always"};
  EXPECT_TRUE(o.validate().ok());
  EXPECT_EQ(o.fec->toFilterString(), "fec,cols:10,rows:5,layout:staircase,arq:always");
  o.fec->layout = "diagonal";
  EXPECT_EQ(o.validate().error().field, "fec.layout");
  o.fec->layout = "even";
  o.fec->arq = "1";  // libsrt wants the word, not a number
  EXPECT_EQ(o.validate().error().field, "fec.arq");
  o.fec->arq = "never";
  o.fec->cols = 0;
  EXPECT_EQ(o.validate().error().field, "fec.cols");
}

TEST(FecFilter, ParsesLibsrtSyntax) {
  auto f = parseFecFilter("fec,cols:8,rows:4,layout:even,arq:never");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->cols, 8);
  EXPECT_EQ(f->rows, 4);
  EXPECT_EQ(f->layout, "even");
  EXPECT_EQ(f->arq, "never");
  EXPECT_TRUE(parseFecFilter("fec").ok());
  EXPECT_FALSE(parseFecFilter("").ok());
  EXPECT_FALSE(parseFecFilter("xor,cols:8").ok());
  EXPECT_FALSE(parseFecFilter("fec,cols8").ok());
  EXPECT_FALSE(parseFecFilter("fec,cols:x").ok());
  EXPECT_FALSE(parseFecFilter("fec,depth:3").ok());
}

TEST(UrlOptions, MapsKeysAndRejectsUnknown) {
  SrtOptions o;
  ASSERT_TRUE(setOptionFromUrl(o, "latency", "250").ok());
  ASSERT_TRUE(setOptionFromUrl(o, "tlpktdrop", "false").ok());
  ASSERT_TRUE(setOptionFromUrl(o, "maxbw", "125000000").ok());
  ASSERT_TRUE(setOptionFromUrl(o, "tsbpdmode", "false").ok());
  ASSERT_TRUE(setOptionFromUrl(o, "streamid", "#!::r=live,m=publish").ok());
  EXPECT_EQ(o.latency_ms, 250);
  EXPECT_EQ(o.tlpktdrop, false);
  EXPECT_EQ(o.max_bw, 125000000);
  EXPECT_EQ(o.tsbpd_mode, false);
  EXPECT_EQ(o.stream_id, "#!::r=live,m=publish");
  auto bad = setOptionFromUrl(o, "lattency", "1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("lattency"), std::string::npos);
  EXPECT_FALSE(setOptionFromUrl(o, "latency", "12ms").ok());
  EXPECT_FALSE(setOptionFromUrl(o, "tlpktdrop", "maybe").ok());
  EXPECT_FALSE(setOptionFromUrl(o, "transtype", "file").ok());
}

}  // namespace
}  // namespace srtgw::srt
