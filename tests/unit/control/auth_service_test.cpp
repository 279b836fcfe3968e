// AuthService against a real SQLite file: users, sessions, API tokens, login limits.

#include "control/auth_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "control/login_limiter.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"

namespace srtgw::control {
namespace {

using nlohmann::json;

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("srtgw-auth-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "db").string();
    auto db = store::Db::open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::migrate(*db).ok());
    AuthServiceConfig cfg;
    cfg.db_path = path_;
    cfg.limits.max_per_user = 3;
    cfg.limits.max_per_address = 5;
    auth_ = std::make_unique<AuthService>(cfg);
    ASSERT_TRUE(auth_->start().ok());
  }
  void TearDown() override {
    auth_.reset();
    std::filesystem::remove_all(dir_);
  }
  Principal admin() { return Principal{1, "admin", Role::kAdmin, true, {}, {}}; }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<AuthService> auth_;
};

TEST_F(AuthServiceTest, BootstrapCreatesTheAdminOnceAndLoginGivesASession) {
  auto first = auth_->bootstrapAdmin("correct horse");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "");  // given, not generated
  auto again = auth_->bootstrapAdmin("another password");
  ASSERT_TRUE(again.ok());
  auto bad = auth_->login(json{{"username", "admin"}, {"password", "another password"}}, "127.0.0.1:1");
  EXPECT_EQ(bad.reply.status, 401) << "the second bootstrap must not change the password";
  auto good = auth_->login(json{{"username", "admin"}, {"password", "correct horse"}}, "127.0.0.1:1");
  ASSERT_EQ(good.reply.status, 200);
  EXPECT_EQ(good.token.rfind("srtgw_s_", 0), 0u);
  auto who = auth_->authenticate(good.token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "admin");
  EXPECT_EQ(who->role, Role::kAdmin);
  EXPECT_TRUE(who->session);
  EXPECT_EQ(who->csrf, good.reply.body["csrf_token"]);
  EXPECT_EQ(auth_->logout(*who).status, 204);
  EXPECT_FALSE(auth_->authenticate(good.token).has_value()) << "a session ends at logout";
}

TEST_F(AuthServiceTest, AGeneratedPasswordIsReturnedOnceAndWorks) {
  auto made = auth_->bootstrapAdmin("");
  ASSERT_TRUE(made.ok());
  ASSERT_GE(made->size(), 20u);
  EXPECT_EQ(auth_->login(json{{"username", "admin"}, {"password", *made}}, "10.0.0.1:5").reply.status, 200);
  EXPECT_EQ(*auth_->bootstrapAdmin(""), "");
}

TEST_F(AuthServiceTest, ShortAdminPasswordIsRefused) {
  EXPECT_FALSE(auth_->bootstrapAdmin("short").ok());
}

TEST_F(AuthServiceTest, FailedLoginsAreLimitedPerUserThenPerAddress) {
  ASSERT_TRUE(auth_->bootstrapAdmin("correct horse").ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth_->login(json{{"username", "admin"}, {"password", "wrong one"}}, "10.0.0.1:1").reply.status, 401);
  }
  auto limited = auth_->login(json{{"username", "admin"}, {"password", "correct horse"}}, "10.0.0.2:1");
  EXPECT_EQ(limited.reply.status, 429) << "even the right password waits once the user is limited";
  EXPECT_GT(limited.retry_after_s, 0);
  EXPECT_TRUE(limited.token.empty());
  // Per address: unknown names from one address.
  for (int i = 0; i < 5; ++i) {
    auth_->login(json{{"username", "nobody" + std::to_string(i)}, {"password", "whatever1"}}, "10.9.9.9:1");
  }
  EXPECT_EQ(auth_->login(json{{"username", "x"}, {"password", "whatever1"}}, "10.9.9.9:2").reply.status, 429);
}

TEST_F(AuthServiceTest, UsersHaveValidatedNamesPasswordsAndRolesAndTheLastAdminStays) {
  ASSERT_TRUE(auth_->bootstrapAdmin("correct horse").ok());
  auto bad = auth_->createUser(json{{"username", "Bad Name"}, {"password", "short"}, {"role", "king"}, {"x", 1}});
  ASSERT_EQ(bad.status, 400);
  std::set<std::string> fields;
  for (const auto& e : bad.errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"username", "password", "role", "x"}));
  auto op = auth_->createUser(json{{"username", "ops"}, {"password", "ops password"}, {"role", "operator"}});
  ASSERT_EQ(op.status, 201);
  EXPECT_FALSE(op.body.contains("password"));
  EXPECT_FALSE(op.body.contains("password_hash"));
  EXPECT_EQ(auth_->createUser(json{{"username", "ops"}, {"password", "ops password"}, {"role", "viewer"}}).status, 409);
  const int64_t ops_id = op.body["id"];
  auto session = auth_->login(json{{"username", "ops"}, {"password", "ops password"}}, "127.0.0.1:1");
  ASSERT_EQ(session.reply.status, 200);
  ASSERT_EQ(auth_->patchUser(ops_id, json{{"role", "viewer"}}, admin()).status, 200);
  EXPECT_FALSE(auth_->authenticate(session.token).has_value()) << "a role change ends the user's sessions";
  EXPECT_EQ(auth_->removeUser(1, admin()).status, 409) << "the last admin";
  EXPECT_EQ(auth_->patchUser(1, json{{"role", "viewer"}}, admin()).status, 409);
  EXPECT_EQ(auth_->removeUser(ops_id, admin()).status, 204);
  EXPECT_EQ(auth_->getUser(ops_id).status, 404);
}

TEST_F(AuthServiceTest, ApiTokensAreShownOnceStoredHashedAndRevocable) {
  ASSERT_TRUE(auth_->bootstrapAdmin("correct horse").ok());
  auto made = auth_->createToken(json{{"name", "ci"}, {"role", "operator"}}, admin());
  ASSERT_EQ(made.status, 201);
  const std::string token = made.body["token"];
  EXPECT_EQ(token.rfind("srtgw_t_", 0), 0u);
  auto who = auth_->authenticate(token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->role, Role::kOperator);
  EXPECT_FALSE(who->session);
  auto list = auth_->listTokens(1, 50);
  EXPECT_EQ(list.body["total"], 1);
  EXPECT_EQ(list.body.dump().find(token), std::string::npos) << "a list never shows a token";
  EXPECT_EQ(auth_->removeToken(made.body["id"]).status, 204);
  EXPECT_FALSE(auth_->authenticate(token).has_value());
  EXPECT_EQ(auth_->removeToken(made.body["id"]).status, 404);
  EXPECT_EQ(auth_->createToken(json{{"name", ""}, {"role", "operator"}, {"expires_in_s", 0}}, admin()).status, 400);
  EXPECT_FALSE(auth_->authenticate("srtgw_t_" + std::string(43, 'A')).has_value());
  EXPECT_FALSE(auth_->authenticate("").has_value());
}

TEST(LoginLimiter, OpensAgainWhenFailuresAgeOutAndIsBounded) {
  LoginLimiter l(LoginLimits{2, 100, 1000, 3});
  l.failure("u", "a", 0);
  l.failure("u", "a", 100);
  EXPECT_EQ(l.waitMs("u", "b", 200), 800);
  EXPECT_EQ(l.waitMs("u", "b", 900), 100);
  EXPECT_EQ(l.waitMs("u", "b", 1000), 0) << "the first failure has left the window";
  l.success("u", "a");
  for (int i = 0; i < 10; ++i) l.failure("user" + std::to_string(i), "addr" + std::to_string(i), 2000 + i);
  // Only 3 keys are remembered per map: the newest.
  EXPECT_EQ(l.waitMs("user0", "x", 2100), 0);
  EXPECT_EQ(addressOf("127.0.0.1:555"), "127.0.0.1");
  EXPECT_EQ(addressOf("::1:555"), "::1");
}

TEST(Credentials, HashesVerifyAndTokensDiffer) {
  ASSERT_TRUE(initCrypto());
  const std::string h = hashPassword("pa55word!");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verifyPassword(h, "pa55word!"));
  EXPECT_FALSE(verifyPassword(h, "pa55word?"));
  EXPECT_NE(newToken("p_"), newToken("p_"));
  EXPECT_EQ(tokenHash("x").size(), 64u);
  EXPECT_EQ(csrfTokenFor("t"), csrfTokenFor("t"));
  EXPECT_NE(csrfTokenFor("t"), csrfTokenFor("u"));
  EXPECT_TRUE(sameSecret("abc", "abc"));
  EXPECT_FALSE(sameSecret("abc", "abd"));
  EXPECT_FALSE(sameSecret("", "abc"));
}

}  // namespace
}  // namespace srtgw::control
