#include "net/address.hpp"

#include <gtest/gtest.h>

namespace srtgw::net {
namespace {

TEST(Address, ResolvesNumericAndAny) {
  auto a = resolve("127.0.0.1", 5000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(formatAddress(*a), "127.0.0.1:5000");
  auto any = resolve("", 9000);
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(isAny(*any));
  auto v6 = resolve("[::1]", 7000);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(formatAddress(*v6), "[::1]:7000");
}

TEST(Address, Multicast) {
  EXPECT_TRUE(isMulticast(*resolve("239.1.1.1", 1)));
  EXPECT_TRUE(isMulticast(*resolve("224.0.0.1", 1)));
  EXPECT_FALSE(isMulticast(*resolve("10.1.1.1", 1)));
}

TEST(Address, BadHostIsAClearError) {
  auto r = resolve("no-such-host.invalid", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no-such-host.invalid"), std::string::npos);
}

TEST(Interface, LoopbackByNameAndAddress) {
  auto lo = findInterface("lo");
  ASSERT_TRUE(lo.ok());
  EXPECT_GT(lo->index, 0u);
  auto by_addr = findInterface("127.0.0.1");
  ASSERT_TRUE(by_addr.ok());
  EXPECT_EQ(by_addr->name, "lo");
  EXPECT_FALSE(findInterface("nope0").ok());
}

}  // namespace
}  // namespace srtgw::net
