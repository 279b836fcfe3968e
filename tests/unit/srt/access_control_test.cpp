#include "srt/access_control.hpp"

#include <gtest/gtest.h>

namespace srtgw::srt {
namespace {

AccessRules rules() {
  AccessRules r;
  r.stream_ids = {"cam1", "cam2"};
  r.users = {{"alice", "alice-token", {}}, {"bob", "bob-token", {"cam2"}}};
  return r;
}

TEST(AccessControl, NoRulesAcceptsEveryone) {
  EXPECT_EQ(decideAccess({}, "", true).code, 0);
  EXPECT_EQ(decideAccess({}, "#!::garbage", false).code, 0);
}

TEST(AccessControl, GoodCredentialsAndAListedStreamAreAccepted) {
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u=alice,s=alice-token,m=publish", true).code, 0);
  EXPECT_EQ(decideAccess(rules(), "%23!::r=cam2,u=bob,s=bob-token", false).code, 0);
}

TEST(AccessControl, MissingOrWrongCredentialsAre1401) {
  EXPECT_EQ(decideAccess(rules(), "cam1", true).code, 1401);
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u=alice", true).code, 1401);
  auto wrong = decideAccess(rules(), "#!::r=cam1,u=alice,s=bob-token", true);
  EXPECT_EQ(wrong.code, 1401);
  EXPECT_EQ(wrong.reason.find("bob-token"), std::string::npos) << "the reason never repeats a token";
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u=mallory,s=x", true).code, 1401);
}

TEST(AccessControl, AnUnlistedStreamIs1404AndAForbiddenOneIs1403) {
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam9,u=alice,s=alice-token", true).code, 1404);
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u=bob,s=bob-token", true).code, 1403);
  AccessRules ids_only;
  ids_only.stream_ids = {"live"};
  EXPECT_EQ(decideAccess(ids_only, "live", true).code, 0);
  EXPECT_EQ(decideAccess(ids_only, "#!::r=live", true).code, 0);
  EXPECT_EQ(decideAccess(ids_only, "other", true).code, 1404);
  EXPECT_EQ(decideAccess(ids_only, "", true).code, 1404);
}

TEST(AccessControl, TheWrongDirectionIs1403AndMalformedIs1400) {
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u=alice,s=alice-token,m=request", true).code, 1403);
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u=alice,s=alice-token,m=publish", false).code, 1403);
  EXPECT_EQ(decideAccess(rules(), "#!::r=cam1,u", true).code, 1400);
  EXPECT_EQ(decideAccess(rules(), std::string(600, 'x'), true).code, 1400);
}

}  // namespace
}  // namespace srtgw::srt
