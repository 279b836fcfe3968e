#include "store/auth_store.hpp"

#include <string_view>
#include <utility>

#include "core/clock.hpp"

namespace srtgw::store {
namespace {

constexpr std::string_view kUserColumns = "id, username, role, password_hash, created_ms, updated_ms";
constexpr std::string_view kTokenColumns =
    "id, name, role, hash, prefix, created_by, created_ms, expires_ms, last_used_ms";

UserRecord readUser(Stmt& s, int base = 0) {
  return UserRecord{s.columnInt64(base),     s.columnText(base + 1),  s.columnText(base + 2),
                    s.columnText(base + 3),  s.columnInt64(base + 4), s.columnInt64(base + 5)};
}

ApiTokenRecord readToken(Stmt& s) {
  return ApiTokenRecord{s.columnInt64(0), s.columnText(1),  s.columnText(2),  s.columnText(3), s.columnText(4),
                        s.columnText(5),  s.columnInt64(6), s.columnInt64(7), s.columnInt64(8)};
}

core::Error inOp(std::string_view op, core::Error e) {
  e.message = std::string(op) + ": " + e.message;
  return e;
}

// Runs a statement that returns no rows.
core::Result<void> run(Stmt& s, std::string_view op) {
  if (auto done = s.step(); !done) {
    return inOp(op, done.error());
  }
  return core::ok();
}

template <typename T, typename Read>
core::Result<std::vector<T>> all(Db& db, const std::string& sql, std::string_view op, Read read) {
  auto s = Stmt::prepare(db, sql);
  if (!s) {
    return inOp(op, s.error());
  }
  std::vector<T> out;
  for (;;) {
    auto row = s->step();
    if (!row) {
      return inOp(op, row.error());
    }
    if (!*row) {
      return out;
    }
    out.push_back(read(*s));
  }
}

template <typename T, typename Bind, typename Read>
core::Result<std::optional<T>> one(Db& db, const std::string& sql, std::string_view op, Bind bind, Read read) {
  auto s = Stmt::prepare(db, sql);
  if (!s) {
    return inOp(op, s.error());
  }
  bind(*s);
  auto row = s->step();
  if (!row) {
    return inOp(op, row.error());
  }
  if (!*row) {
    return std::optional<T>();
  }
  return std::optional<T>(read(*s));
}

core::Result<int64_t> count(Db& db, const std::string& sql, std::string_view op, const std::string& arg) {
  auto s = Stmt::prepare(db, sql);
  if (!s) {
    return inOp(op, s.error());
  }
  if (!arg.empty()) {
    s->bind(1, std::string_view(arg));
  }
  auto row = s->step();
  if (!row) {
    return inOp(op, row.error());
  }
  return *row ? s->columnInt64(0) : 0;
}

}  // namespace

core::Result<UserRecord> AuthStore::createUser(UserRecord u) {
  constexpr std::string_view kOp = "create user";
  auto existing = findUserByName(u.username);
  if (!existing) {
    return existing.error();
  }
  if (existing->has_value()) {
    return core::makeError(core::Errc::kConflict, "a user with this name exists", "username");
  }
  auto s = Stmt::prepare(*db_,
                         "INSERT INTO users (username, role, password_hash, created_ms, updated_ms) "
                         "VALUES (?1, ?2, ?3, ?4, ?4)");
  if (!s) {
    return inOp(kOp, s.error());
  }
  u.created_ms = u.updated_ms = core::wallNowMs();
  s->bind(1, std::string_view(u.username)).bind(2, std::string_view(u.role));
  s->bind(3, std::string_view(u.password_hash)).bind(4, u.created_ms);
  if (auto r = run(*s, kOp); !r) {
    return r.error();
  }
  u.id = db_->lastInsertId();
  return u;
}

core::Result<UserRecord> AuthStore::updateUser(UserRecord u) {
  constexpr std::string_view kOp = "update user";
  auto s = Stmt::prepare(*db_,
                         "UPDATE users SET role = ?1, password_hash = ?2, updated_ms = MAX(?3, updated_ms) "
                         "WHERE id = ?4");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, std::string_view(u.role)).bind(2, std::string_view(u.password_hash));
  s->bind(3, core::wallNowMs()).bind(4, u.id);
  if (auto r = run(*s, kOp); !r) {
    return r.error();
  }
  if (db_->changes() == 0) {
    return core::makeError(core::Errc::kNotFound, "user " + std::to_string(u.id) + " not found", "id");
  }
  auto again = findUser(u.id);
  if (!again) {
    return again.error();
  }
  if (!again->has_value()) {
    return core::makeError(core::Errc::kNotFound, "user " + std::to_string(u.id) + " not found", "id");
  }
  return **again;
}

core::Result<void> AuthStore::removeUser(int64_t id) {
  auto s = Stmt::prepare(*db_, "DELETE FROM users WHERE id = ?1");
  if (!s) {
    return inOp("delete user", s.error());
  }
  s->bind(1, id);
  if (auto r = run(*s, "delete user"); !r) {
    return r;
  }
  if (db_->changes() == 0) {
    return core::makeError(core::Errc::kNotFound, "user " + std::to_string(id) + " not found", "id");
  }
  return core::ok();
}

core::Result<std::vector<UserRecord>> AuthStore::listUsers() {
  return all<UserRecord>(*db_, "SELECT " + std::string(kUserColumns) + " FROM users ORDER BY id", "list users",
                         [](Stmt& s) { return readUser(s); });
}

core::Result<std::optional<UserRecord>> AuthStore::findUser(int64_t id) {
  return one<UserRecord>(
      *db_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?1", "find user",
      [id](Stmt& s) { s.bind(1, id); }, [](Stmt& s) { return readUser(s); });
}

core::Result<std::optional<UserRecord>> AuthStore::findUserByName(const std::string& username) {
  return one<UserRecord>(
      *db_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE username = ?1", "find user",
      [&username](Stmt& s) { s.bind(1, std::string_view(username)); }, [](Stmt& s) { return readUser(s); });
}

core::Result<int64_t> AuthStore::countUsers() { return count(*db_, "SELECT COUNT(*) FROM users", "count users", ""); }

core::Result<int64_t> AuthStore::countUsersWithRole(const std::string& role) {
  return count(*db_, "SELECT COUNT(*) FROM users WHERE role = ?1", "count users", role);
}

core::Result<SessionRecord> AuthStore::createSession(SessionRecord r) {
  constexpr std::string_view kOp = "create session";
  auto s = Stmt::prepare(*db_, "INSERT INTO sessions (user_id, hash, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!s) {
    return inOp(kOp, s.error());
  }
  r.created_ms = core::wallNowMs();
  s->bind(1, r.user_id).bind(2, std::string_view(r.hash)).bind(3, r.created_ms).bind(4, r.expires_ms);
  if (auto done = run(*s, kOp); !done) {
    return done.error();
  }
  r.id = db_->lastInsertId();
  return r;
}

core::Result<std::optional<std::pair<SessionRecord, UserRecord>>> AuthStore::findSession(const std::string& hash,
                                                                                       int64_t now_ms) {
  using Found = std::pair<SessionRecord, UserRecord>;
  return one<Found>(
      *db_,
      "SELECT s.id, s.user_id, s.hash, s.created_ms, s.expires_ms, u.id, u.username, u.role, u.password_hash, "
      "u.created_ms, u.updated_ms FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.hash = ?1 AND s.expires_ms > ?2",
      "find session",
      [&](Stmt& s) { s.bind(1, std::string_view(hash)).bind(2, now_ms); },
      [](Stmt& s) {
        return Found{SessionRecord{s.columnInt64(0), s.columnInt64(1), s.columnText(2), s.columnInt64(3),
                                   s.columnInt64(4)},
                     readUser(s, 5)};
      });
}

core::Result<void> AuthStore::removeSession(const std::string& hash) {
  auto s = Stmt::prepare(*db_, "DELETE FROM sessions WHERE hash = ?1");
  if (!s) {
    return inOp("delete session", s.error());
  }
  s->bind(1, std::string_view(hash));
  return run(*s, "delete session");
}

core::Result<void> AuthStore::removeSessionsOf(int64_t user_id) {
  auto s = Stmt::prepare(*db_, "DELETE FROM sessions WHERE user_id = ?1");
  if (!s) {
    return inOp("delete sessions", s.error());
  }
  s->bind(1, user_id);
  return run(*s, "delete sessions");
}

core::Result<void> AuthStore::removeExpiredSessions(int64_t now_ms) {
  auto s = Stmt::prepare(*db_, "DELETE FROM sessions WHERE expires_ms <= ?1");
  if (!s) {
    return inOp("delete expired sessions", s.error());
  }
  s->bind(1, now_ms);
  return run(*s, "delete expired sessions");
}

core::Result<ApiTokenRecord> AuthStore::createToken(ApiTokenRecord t) {
  constexpr std::string_view kOp = "create token";
  auto s = Stmt::prepare(*db_,
                         "INSERT INTO api_tokens (name, role, hash, prefix, created_by, created_ms, expires_ms) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s) {
    return inOp(kOp, s.error());
  }
  t.created_ms = core::wallNowMs();
  s->bind(1, std::string_view(t.name)).bind(2, std::string_view(t.role)).bind(3, std::string_view(t.hash));
  s->bind(4, std::string_view(t.prefix)).bind(5, std::string_view(t.created_by));
  s->bind(6, t.created_ms).bind(7, t.expires_ms);
  if (auto done = run(*s, kOp); !done) {
    return done.error();
  }
  t.id = db_->lastInsertId();
  return t;
}

core::Result<std::vector<ApiTokenRecord>> AuthStore::listTokens() {
  return all<ApiTokenRecord>(*db_, "SELECT " + std::string(kTokenColumns) + " FROM api_tokens ORDER BY id",
                             "list tokens", readToken);
}

core::Result<std::optional<ApiTokenRecord>> AuthStore::findToken(int64_t id) {
  return one<ApiTokenRecord>(
      *db_, "SELECT " + std::string(kTokenColumns) + " FROM api_tokens WHERE id = ?1", "find token",
      [id](Stmt& s) { s.bind(1, id); }, readToken);
}

core::Result<std::optional<ApiTokenRecord>> AuthStore::findTokenByHash(const std::string& hash) {
  return one<ApiTokenRecord>(
      *db_, "SELECT " + std::string(kTokenColumns) + " FROM api_tokens WHERE hash = ?1", "find token",
      [&hash](Stmt& s) { s.bind(1, std::string_view(hash)); }, readToken);
}

core::Result<void> AuthStore::touchToken(int64_t id, int64_t now_ms) {
  auto s = Stmt::prepare(*db_, "UPDATE api_tokens SET last_used_ms = ?1 WHERE id = ?2");
  if (!s) {
    return inOp("touch token", s.error());
  }
  s->bind(1, now_ms).bind(2, id);
  return run(*s, "touch token");
}

core::Result<void> AuthStore::removeToken(int64_t id) {
  auto s = Stmt::prepare(*db_, "DELETE FROM api_tokens WHERE id = ?1");
  if (!s) {
    return inOp("delete token", s.error());
  }
  s->bind(1, id);
  if (auto r = run(*s, "delete token"); !r) {
    return r;
  }
  if (db_->changes() == 0) {
    return core::makeError(core::Errc::kNotFound, "token " + std::to_string(id) + " not found", "id");
  }
  return core::ok();
}

}  // namespace srtgw::store
