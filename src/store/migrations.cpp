#include "store/migrations.hpp"

#include <array>
#include <string>
#include <string_view>

namespace srtgw::store {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

// Append only: a released migration is never edited, a change is a new migration.
// AUTOINCREMENT so that ids are never reused: an id held by a client (or in a log line) can
// never come to mean a different stream after a delete.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE inputs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  config     TEXT    NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE outputs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  input_id   INTEGER NOT NULL REFERENCES inputs(id) ON DELETE CASCADE,
  name       TEXT    NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  config     TEXT    NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX outputs_input_id ON outputs(input_id);
)sql"},
    // The event log (bounded by the writer: oldest rows go first) and webhooks.
    Migration{2, R"sql(
CREATE TABLE events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms   INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  input_id  INTEGER NOT NULL DEFAULT 0,
  output_id INTEGER NOT NULL DEFAULT 0,
  message   TEXT    NOT NULL DEFAULT '',
  data      TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_input ON events(input_id);
CREATE INDEX events_output ON events(output_id);
CREATE INDEX events_time ON events(time_ms);
CREATE TABLE webhooks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  url             TEXT    NOT NULL,
  events          TEXT    NOT NULL DEFAULT '[]',
  secret          TEXT    NOT NULL DEFAULT '',
  enabled         INTEGER NOT NULL DEFAULT 1,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL
);
)sql"},
    // A webhook's optional display name.
    Migration{3, R"sql(
ALTER TABLE webhooks ADD COLUMN name TEXT NOT NULL DEFAULT '';
)sql"},
    // Users, their login sessions, and API tokens. Passwords are argon2id strings; tokens
    // are stored as SHA-256 hashes only (a token is shown once, when it is made).
    Migration{4, R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT    NOT NULL UNIQUE,
  role          TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,
  created_ms    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL
);
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash       TEXT    NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT    NOT NULL,
  role         TEXT    NOT NULL,
  hash         TEXT    NOT NULL UNIQUE,
  prefix       TEXT    NOT NULL,
  created_by   TEXT    NOT NULL,
  created_ms   INTEGER NOT NULL,
  expires_ms   INTEGER NOT NULL DEFAULT 0,
  last_used_ms INTEGER NOT NULL DEFAULT 0
);
)sql"},
};

constexpr bool numberedFromOne() {
  for (size_t i = 0; i < kMigrations.size(); ++i) {
    if (kMigrations[i].version != static_cast<int>(i) + 1) {
      return false;
    }
  }
  return true;
}
static_assert(numberedFromOne(), "migrations must be numbered 1, 2, 3... in order");

core::Error withContext(core::Error e, const std::string& context) {
  e.message = context + ": " + e.message;
  return e;
}

core::Error tooNew(int version) {
  return core::makeError(core::Errc::kConflict, "database schema version " +
                                                    std::to_string(version) +
                                                    " is newer than this srtgw supports (" +
                                                    std::to_string(latestSchemaVersion()) +
                                                    "); run a newer srtgw or restore a backup");
}

}  // namespace

int latestSchemaVersion() { return kMigrations.back().version; }

core::Result<int> schemaVersion(Db& db) {
  auto stmt = Stmt::prepare(db, "PRAGMA user_version");
  if (!stmt) {
    return stmt.error();
  }
  auto row = stmt->step();
  if (!row) {
    return row.error();
  }
  if (!*row) {
    return core::makeError(core::Errc::kInternal, "PRAGMA user_version returned no row");
  }
  return static_cast<int>(stmt->columnInt64(0));
}

core::Result<int> migrate(Db& db) {
  // Checked without a transaction first so that an up-to-date database is never write-locked.
  auto current = schemaVersion(db);
  if (!current) {
    return current.error();
  }
  if (*current > latestSchemaVersion()) {
    return tooNew(*current);
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *current) {
      continue;
    }
    const std::string context = "migration " + std::to_string(m.version);
    auto tx = Tx::begin(db);
    if (!tx) {
      return withContext(tx.error(), context);
    }
    // Re-read under the write lock: another process may have migrated in the meantime.
    current = schemaVersion(db);
    if (!current) {
      return withContext(current.error(), context);
    }
    if (*current > latestSchemaVersion()) {
      return tooNew(*current);
    }
    if (m.version <= *current) {
      continue;  // the Tx rolls back an empty transaction
    }
    if (auto r = db.exec(m.sql); !r) {
      return withContext(r.error(), context);
    }
    // user_version lives in the database header, which is part of the transaction.
    if (auto r = db.exec("PRAGMA user_version = " + std::to_string(m.version)); !r) {
      return withContext(r.error(), context);
    }
    if (auto r = tx->commit(); !r) {
      return withContext(r.error(), context);
    }
    *current = m.version;
  }
  return latestSchemaVersion();
}

}  // namespace srtgw::store
