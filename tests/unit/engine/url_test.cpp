#include "engine/url.hpp"

#include <gtest/gtest.h>

namespace srtgw::engine {
namespace {

TEST(Url, SrtListenerFromEmptyHost) {
  auto e = parseEndpointUrl("srt://:9000?latency=200&passphrase=0123456789abc&pbkeylen=32");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->transport, Transport::kSrt);
  EXPECT_EQ(e->mode, SrtMode::kListener);
  EXPECT_EQ(e->port, 9000);
  EXPECT_EQ(e->srt.latency_ms, 200);
  EXPECT_EQ(e->srt.passphrase, "0123456789abc");
  EXPECT_EQ(e->srt.pbkeylen, 32);
}

TEST(Url, SrtCallerFromHost) {
  auto e = parseEndpointUrl("srt://10.1.2.3:4200?streamid=abc&adapter=10.1.2.4&port=5001");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->mode, SrtMode::kCaller);
  EXPECT_EQ(e->host, "10.1.2.3");
  EXPECT_EQ(e->port, 4200);
  EXPECT_EQ(e->local_addr, "10.1.2.4");
  EXPECT_EQ(e->local_port, 5001);
  EXPECT_EQ(e->srt.stream_id, "abc");
}

TEST(Url, ModeOverridesAndListenerHostBecomesAdapter) {
  auto l = parseEndpointUrl("srt://127.0.0.1:9000?mode=listener");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->mode, SrtMode::kListener);
  EXPECT_EQ(l->local_addr, "127.0.0.1");
  EXPECT_TRUE(l->host.empty());
  auto r = parseEndpointUrl("srt://127.0.0.2:9000?mode=rendezvous&adapter=127.0.0.1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mode, SrtMode::kRendezvous);
  EXPECT_EQ(r->host, "127.0.0.2");
  EXPECT_FALSE(parseEndpointUrl("srt://:9000?mode=caller").ok()) << "a caller needs a host";
  EXPECT_FALSE(parseEndpointUrl("srt://:9000?mode=sideways").ok());
}

TEST(Url, StreamIdWithHashAndEscapedHash) {
  // ffmpeg and srt-live-transmit pass a raw '#'; some tools escape it as %23.
  auto raw = parseEndpointUrl("srt://h:1?streamid=#!::r=live/feed1,m=publish");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->srt.stream_id, "#!::r=live/feed1,m=publish");
  auto esc = parseEndpointUrl("srt://h:1?streamid=%23!::r=live/feed1,m=publish");
  ASSERT_TRUE(esc.ok());
  EXPECT_EQ(esc->srt.stream_id, "#!::r=live/feed1,m=publish");
}

TEST(Url, FecPacketFilter) {
  auto e = parseEndpointUrl("srt://:9000?packetfilter=fec,cols:10,rows:5,layout:staircase,arq:always");
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_TRUE(e->srt.fec.has_value());
  EXPECT_EQ(e->srt.fec->cols, 10);
  EXPECT_EQ(e->srt.fec->arq, "always");
}

TEST(Url, Udp) {
  auto e = parseEndpointUrl("udp://239.1.1.1:5000?ttl=8&iptos=184&adapter=127.0.0.1&source=10.0.0.9");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->transport, Transport::kUdp);
  EXPECT_EQ(e->host, "239.1.1.1");
  EXPECT_EQ(e->ttl, 8);
  EXPECT_EQ(e->tos, 184);
  EXPECT_EQ(e->interface, "127.0.0.1");
  EXPECT_EQ(e->multicast_source, "10.0.0.9");
  auto v6 = parseEndpointUrl("udp://[::1]:5000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
}

TEST(Url, BadUrlsGiveClearErrors) {
  struct Case {
    const char* url;
    const char* mentions;
  } cases[] = {
      {"rtmp://host:1935", "scheme"},
      {"srt:/host:1", "not a URL"},
      {"srt://host", "port"},
      {"srt://host:", "port"},
      {"srt://host:70000", "port"},
      {"srt://host:12x", "port"},
      {"srt://:9000?latency=abc", "latency"},
      {"srt://:9000?bogus=1", "bogus"},
      {"srt://:9000?latency", "latency"},
      {"udp://:5000?ttl=300", "ttl"},
      {"udp://:5000?color=red", "color"},
      {"srt://host:1/some/path", "path"},
      {"udp://[::1:5000", "IPv6"},
  };
  for (const auto& c : cases) {
    auto r = parseEndpointUrl(c.url);
    ASSERT_FALSE(r.ok()) << c.url;
    EXPECT_NE(r.error().message.find(c.mentions), std::string::npos)
        << c.url << " -> " << r.error().message;
  }
}

// Found by fuzz/fuzz_url.cpp: "missing port" and "not a URL" quoted the whole URL, query and
// passphrase included, and srtgw relay prints these errors.
TEST(Url, ErrorsNeverQuoteThePassphrase) {
  for (const char* url : {"srt://host?passphrase=correct-horse-battery",
                          "srt:/host:1?passphrase=correct-horse-battery"}) {
    auto r = parseEndpointUrl(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().message.find("correct-horse"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("srt:"), std::string::npos) << r.error().message;
  }
}

// Found by fuzz/fuzz_url.cpp: "srt://:9000?=5" answered "query part '' is not key=value"
// with an empty field name.
TEST(Url, AQueryPartWithoutAKeyIsNamed) {
  auto r = parseEndpointUrl("srt://:9000?latency=200&=5");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "query");
  EXPECT_NE(r.error().message.find("no key"), std::string::npos) << r.error().message;
}

TEST(Url, PercentDecode) {
  EXPECT_EQ(percentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percentDecode("100%"), "100%");
  EXPECT_EQ(percentDecode("%zz"), "%zz");
}

}  // namespace
}  // namespace srtgw::engine
