#include "srt/stream_id.hpp"

#include <gtest/gtest.h>

namespace srtgw::srt {
namespace {

TEST(StreamId, PlainStringIsTheResource) {
  auto r = parseStreamId("camera-1");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->structured);
  EXPECT_EQ(r->resource, "camera-1");
  EXPECT_TRUE(r->user.empty());
}

TEST(StreamId, StructuredFormFillsEveryKnownKey) {
  auto r = parseStreamId("#!::r=live/cam1,u=alice,s=tok3n,m=publish,h=gw.example,t=stream,srtgw_x=1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->structured);
  EXPECT_EQ(r->resource, "live/cam1");
  EXPECT_EQ(r->user, "alice");
  EXPECT_EQ(r->session, "tok3n");
  EXPECT_EQ(r->mode, "publish");
  EXPECT_EQ(r->host, "gw.example");
  EXPECT_EQ(r->type, "stream");
  ASSERT_EQ(r->other.size(), 1u);
  EXPECT_EQ(r->other[0].first, "srtgw_x");
}

TEST(StreamId, PercentEncodedHashIsTheSamePrefix) {
  auto r = parseStreamId("%23!::u=bob,s=x");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->structured);
  EXPECT_EQ(r->user, "bob");
  EXPECT_EQ(r->session, "x");
}

TEST(StreamId, ValuesMayContainEqualsSigns) {
  auto r = parseStreamId("#!::s=abc==,u=a");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->session, "abc==");
}

TEST(StreamId, MalformedStructuredFormsAreErrors) {
  for (const char* bad : {"#!::u", "#!::=x", "#!::u=a,u=b", "#!::u=a,,s=b", "#!::u a=b", "#!::u=a,"}) {
    auto r = parseStreamId(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().field, "stream_id");
    }
  }
  EXPECT_TRUE(parseStreamId("#!::").ok());
}

TEST(StreamId, LongerThan512IsAnError) {
  EXPECT_TRUE(parseStreamId(std::string(512, 'a')).ok());
  EXPECT_FALSE(parseStreamId(std::string(513, 'a')).ok());
}

TEST(StreamId, RedactionHidesTheSessionOnly) {
  EXPECT_EQ(redactStreamId("#!::r=cam,u=alice,s=SECRET,m=publish"), "#!::r=cam,u=alice,s=***,m=publish");
  EXPECT_EQ(redactStreamId("%23!::s=SECRET"), "%23!::s=***");
  EXPECT_EQ(redactStreamId("plain"), "plain");
  // Malformed streamids are redacted too: a credential in a rejected handshake must not leak.
  EXPECT_EQ(redactStreamId("#!::s=SECRET,,s=AGAIN,junk"), "#!::s=***,,s=***,junk");
  EXPECT_EQ(redactStreamId(std::string(600, 'x')).size(), 512u);
}

}  // namespace
}  // namespace srtgw::srt

namespace srtgw::srt {
namespace {

TEST(StreamId, PrintableKeepsUtf8AndEscapesEverythingElse) {
  EXPECT_EQ(printable("cam-1/ü日本"), "cam-1/ü日本");
  EXPECT_EQ(printable(std::string("a\xff" "b", 3)), "a\\xffb");
  EXPECT_EQ(printable(std::string("\x01\n\x7f", 3)), "\\x01\\x0a\\x7f");
  EXPECT_EQ(printable("\xc3"), "\\xc3") << "a truncated sequence";
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf") << "an overlong";
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "a surrogate";
  // A caller's streamid as shown anywhere: redacted and printable.
  EXPECT_EQ(displayStreamId(std::string("#!::u=a\xfe,s=SECRET")), "#!::u=a\\xfe,s=***");
}

}  // namespace
}  // namespace srtgw::srt
