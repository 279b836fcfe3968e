#include "engine/spec.hpp"

#include <gtest/gtest.h>

#include "engine/url.hpp"

namespace srtgw::engine {
namespace {

EndpointSpec must(const char* url) {
  auto e = parseEndpointUrl(url);
  EXPECT_TRUE(e.ok()) << url;
  return *e;
}

TEST(EndpointSpec, Describe) {
  EXPECT_EQ(must("srt://:9000").describe(), "SRT Listener 9000");
  EXPECT_EQ(must("srt://1.2.3.4:9000").describe(), "SRT Caller 1.2.3.4:9000");
  EXPECT_EQ(must("udp://239.0.0.1:5000").describe(), "UDP 239.0.0.1:5000");
}

TEST(EndpointSpec, ValidatesCombinations) {
  EXPECT_TRUE(must("srt://:9000").validate(true).ok());
  EXPECT_TRUE(must("udp://:5000").validate(true).ok());
  // A UDP output needs somewhere to send to.
  auto r = must("udp://:5000").validate(false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "destination_addr");
  EXPECT_FALSE(must("srt://239.1.1.1:9000").validate(true).ok()) << "SRT over multicast";
  EXPECT_FALSE(must("udp://10.0.0.1:5000?source=10.0.0.2").validate(true).ok())
      << "SSM needs a group";
  EXPECT_FALSE(must("udp://239.1.1.1:5000?interface=nope0").validate(true).ok());
  EXPECT_FALSE(must("srt://:9000?passphrase=short").validate(true).ok());
  EXPECT_FALSE(must("srt://h.invalid:9000").validate(true).ok());
}

}  // namespace
}  // namespace srtgw::engine
