#pragma once
// AuthStore: users, login sessions and API tokens (migration 4).
//
// Secrets are never stored in a form that can be used: passwords as argon2id strings made by
// the caller, session and API tokens as hex SHA-256 hashes made by the caller. Nothing here
// puts a column value in an error message. Same threading rule as the Db: one thread at a
// time; every write commits before returning.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace srtgw::store {

struct UserRecord {
  int64_t id = 0;
  std::string username;
  std::string role;
  std::string password_hash;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct SessionRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string hash;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

struct ApiTokenRecord {
  int64_t id = 0;
  std::string name;
  std::string role;
  std::string hash;
  std::string prefix;  // the first characters of the token, to recognise it in a list
  std::string created_by;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0: never
  int64_t last_used_ms = 0;
};

class AuthStore {
 public:
  /// Db owner thread: `db` must outlive the store and already be migrated.
  explicit AuthStore(Db& db) : db_(&db) {}

  // Users. Every call: Db owner thread.
  core::Result<UserRecord> createUser(UserRecord u);  // kConflict when the name is taken
  core::Result<UserRecord> updateUser(UserRecord u);  // role and password_hash; kNotFound
  core::Result<void> removeUser(int64_t id);          // and its sessions; kNotFound
  core::Result<std::vector<UserRecord>> listUsers();
  core::Result<std::optional<UserRecord>> findUser(int64_t id);
  core::Result<std::optional<UserRecord>> findUserByName(const std::string& username);
  core::Result<int64_t> countUsers();
  core::Result<int64_t> countUsersWithRole(const std::string& role);

  // Sessions.
  core::Result<SessionRecord> createSession(SessionRecord s);
  /// The session with this hash and its user, unless expired at `now_ms`.
  core::Result<std::optional<std::pair<SessionRecord, UserRecord>>> findSession(const std::string& hash,
                                                                                int64_t now_ms);
  core::Result<void> removeSession(const std::string& hash);
  core::Result<void> removeSessionsOf(int64_t user_id);
  core::Result<void> removeExpiredSessions(int64_t now_ms);

  // API tokens.
  core::Result<ApiTokenRecord> createToken(ApiTokenRecord t);
  core::Result<std::vector<ApiTokenRecord>> listTokens();
  core::Result<std::optional<ApiTokenRecord>> findToken(int64_t id);
  core::Result<std::optional<ApiTokenRecord>> findTokenByHash(const std::string& hash);
  core::Result<void> touchToken(int64_t id, int64_t now_ms);
  core::Result<void> removeToken(int64_t id);  // kNotFound

 private:
  Db* db_;
};

}  // namespace srtgw::store
