#include "store/stream_store.hpp"

#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"

namespace srtgw::store {
namespace {

// Every SELECT lists its columns in the order readInput/readOutput expect.
InputRecord readInput(Stmt& s) {
  return InputRecord{s.columnInt64(0), s.columnText(1),  s.columnInt64(2) != 0,
                     s.columnText(3),  s.columnInt64(4), s.columnInt64(5)};
}

OutputRecord readOutput(Stmt& s) {
  return OutputRecord{s.columnInt64(0), s.columnInt64(1), s.columnText(2), s.columnInt64(3) != 0,
                      s.columnText(4),  s.columnInt64(5), s.columnInt64(6)};
}

core::Error inOp(std::string_view op, core::Error e) {
  e.message = std::string(op) + ": " + e.message;
  return e;
}

core::Error notFound(std::string_view what, int64_t id, std::string field) {
  return core::makeError(core::Errc::kNotFound,
                         std::string(what) + " " + std::to_string(id) + " not found",
                         std::move(field));
}

core::Result<void> checkOffset(int64_t offset) {
  if (offset < 0) {
    return core::makeError(core::Errc::kInvalidArgument, "offset must not be negative", "offset");
  }
  return core::ok();
}

// Steps a statement that returns no rows (INSERT/UPDATE/DELETE).
core::Result<void> run(Stmt& s) {
  auto r = s.step();
  if (!r) {
    return r.error();
  }
  return core::ok();
}

template <typename Record, typename Read>
core::Result<std::vector<Record>> collect(Stmt& s, Read read) {
  std::vector<Record> out;
  for (;;) {
    auto row = s.step();
    if (!row) {
      return row.error();
    }
    if (!*row) {
      return out;
    }
    out.push_back(read(s));
  }
}

// Looks one row up by id; nullopt when there is none.
template <typename Record, typename Read>
core::Result<std::optional<Record>> fetchById(Db& db, std::string_view sql, int64_t id, Read read) {
  auto s = Stmt::prepare(db, sql);
  if (!s) {
    return s.error();
  }
  s->bind(1, id);
  auto row = s->step();
  if (!row) {
    return row.error();
  }
  if (!*row) {
    return std::optional<Record>{};
  }
  return std::optional<Record>{read(*s)};
}

core::Result<int64_t> countOf(Db& db, std::string_view sql, std::optional<int64_t> param) {
  auto s = Stmt::prepare(db, sql);
  if (!s) {
    return s.error();
  }
  if (param) {
    s->bind(1, *param);
  }
  auto row = s->step();
  if (!row) {
    return row.error();
  }
  if (!*row) {
    return core::makeError(core::Errc::kInternal, "COUNT returned no row");
  }
  return s->columnInt64(0);
}

core::Result<bool> inputExists(Db& db, int64_t id) {
  auto n = countOf(db, "SELECT COUNT(*) FROM inputs WHERE id = ?1", id);
  if (!n) {
    return n.error();
  }
  return *n > 0;
}

constexpr std::string_view kSelectInput =
    "SELECT id, name, enabled, config, created_ms, updated_ms FROM inputs WHERE id = ?1";
constexpr std::string_view kSelectOutput =
    "SELECT id, input_id, name, enabled, config, created_ms, updated_ms FROM outputs WHERE id = ?1";

}  // namespace

// ------------------------------------------------------------------------------------ inputs

core::Result<InputRecord> StreamStore::createInput(InputRecord r) {
  constexpr std::string_view kOp = "create input";
  auto s = Stmt::prepare(*db_,
                         "INSERT INTO inputs (name, enabled, config, created_ms, updated_ms) "
                         "VALUES (?1, ?2, ?3, ?4, ?4)");
  if (!s) {
    return inOp(kOp, s.error());
  }
  r.created_ms = r.updated_ms = core::wallNowMs();
  s->bind(1, r.name).bind(2, r.enabled).bind(3, r.config).bind(4, r.created_ms);
  // One statement in autocommit mode: committed (and synced) when run() returns.
  if (auto done = run(*s); !done) {
    return inOp(kOp, done.error());
  }
  r.id = db_->lastInsertId();
  return r;
}

core::Result<InputRecord> StreamStore::updateInput(InputRecord r) {
  constexpr std::string_view kOp = "update input";
  auto tx = Tx::begin(*db_);
  if (!tx) {
    return inOp(kOp, tx.error());
  }
  // MAX keeps updated_ms from going backwards when the wall clock is stepped back.
  auto s = Stmt::prepare(*db_,
                         "UPDATE inputs SET name = ?1, enabled = ?2, config = ?3, "
                         "updated_ms = MAX(?4, updated_ms) WHERE id = ?5");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, r.name).bind(2, r.enabled).bind(3, r.config).bind(4, core::wallNowMs()).bind(5, r.id);
  if (auto done = run(*s); !done) {
    return inOp(kOp, done.error());
  }
  if (db_->changes() == 0) {
    return notFound("input", r.id, "id");
  }
  auto stored = fetchById<InputRecord>(*db_, kSelectInput, r.id, readInput);
  if (!stored || !*stored) {
    return inOp(kOp, stored ? core::makeError(core::Errc::kInternal, "updated row vanished")
                            : stored.error());
  }
  if (auto c = tx->commit(); !c) {
    return inOp(kOp, c.error());
  }
  return std::move(**stored);
}

core::Result<void> StreamStore::deleteInput(int64_t id) {
  constexpr std::string_view kOp = "delete input";
  // One statement: the cascade to outputs happens inside it, atomically.
  auto s = Stmt::prepare(*db_, "DELETE FROM inputs WHERE id = ?1");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, id);
  if (auto done = run(*s); !done) {
    return inOp(kOp, done.error());
  }
  if (db_->changes() == 0) {
    return notFound("input", id, "id");
  }
  return core::ok();
}

core::Result<std::optional<InputRecord>> StreamStore::getInput(int64_t id) {
  auto r = fetchById<InputRecord>(*db_, kSelectInput, id, readInput);
  if (!r) {
    return inOp("get input", r.error());
  }
  return r;
}

core::Result<std::vector<InputRecord>> StreamStore::listInputs(int64_t offset, int64_t limit) {
  constexpr std::string_view kOp = "list inputs";
  if (auto c = checkOffset(offset); !c) {
    return c.error();
  }
  auto s = Stmt::prepare(*db_,
                         "SELECT id, name, enabled, config, created_ms, updated_ms FROM inputs "
                         "ORDER BY id LIMIT ?1 OFFSET ?2");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, limit < 0 ? int64_t{-1} : limit).bind(2, offset);
  auto rows = collect<InputRecord>(*s, readInput);
  if (!rows) {
    return inOp(kOp, rows.error());
  }
  return rows;
}

core::Result<int64_t> StreamStore::countInputs() {
  auto n = countOf(*db_, "SELECT COUNT(*) FROM inputs", std::nullopt);
  if (!n) {
    return inOp("count inputs", n.error());
  }
  return n;
}

// ----------------------------------------------------------------------------------- outputs

core::Result<OutputRecord> StreamStore::createOutput(OutputRecord r) {
  constexpr std::string_view kOp = "create output";
  auto tx = Tx::begin(*db_);
  if (!tx) {
    return inOp(kOp, tx.error());
  }
  // Checked first so the caller gets kNotFound on "input_id" rather than a bare FK failure.
  auto exists = inputExists(*db_, r.input_id);
  if (!exists) {
    return inOp(kOp, exists.error());
  }
  if (!*exists) {
    return notFound("input", r.input_id, "input_id");
  }
  auto s = Stmt::prepare(*db_,
                         "INSERT INTO outputs (input_id, name, enabled, config, created_ms, "
                         "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
  if (!s) {
    return inOp(kOp, s.error());
  }
  r.created_ms = r.updated_ms = core::wallNowMs();
  s->bind(1, r.input_id).bind(2, r.name).bind(3, r.enabled).bind(4, r.config).bind(5, r.created_ms);
  if (auto done = run(*s); !done) {
    return inOp(kOp, done.error());
  }
  r.id = db_->lastInsertId();
  if (auto c = tx->commit(); !c) {
    return inOp(kOp, c.error());
  }
  return r;
}

core::Result<OutputRecord> StreamStore::updateOutput(OutputRecord r) {
  constexpr std::string_view kOp = "update output";
  auto tx = Tx::begin(*db_);
  if (!tx) {
    return inOp(kOp, tx.error());
  }
  auto current = fetchById<OutputRecord>(*db_, kSelectOutput, r.id, readOutput);
  if (!current) {
    return inOp(kOp, current.error());
  }
  if (!*current) {
    return notFound("output", r.id, "id");
  }
  if ((*current)->input_id != r.input_id) {
    auto exists = inputExists(*db_, r.input_id);
    if (!exists) {
      return inOp(kOp, exists.error());
    }
    if (!*exists) {
      return notFound("input", r.input_id, "input_id");
    }
  }
  auto s = Stmt::prepare(*db_,
                         "UPDATE outputs SET input_id = ?1, name = ?2, enabled = ?3, config = ?4, "
                         "updated_ms = MAX(?5, updated_ms) WHERE id = ?6");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, r.input_id)
      .bind(2, r.name)
      .bind(3, r.enabled)
      .bind(4, r.config)
      .bind(5, core::wallNowMs())
      .bind(6, r.id);
  if (auto done = run(*s); !done) {
    return inOp(kOp, done.error());
  }
  auto stored = fetchById<OutputRecord>(*db_, kSelectOutput, r.id, readOutput);
  if (!stored || !*stored) {
    return inOp(kOp, stored ? core::makeError(core::Errc::kInternal, "updated row vanished")
                            : stored.error());
  }
  if (auto c = tx->commit(); !c) {
    return inOp(kOp, c.error());
  }
  return std::move(**stored);
}

core::Result<void> StreamStore::deleteOutput(int64_t id) {
  constexpr std::string_view kOp = "delete output";
  auto s = Stmt::prepare(*db_, "DELETE FROM outputs WHERE id = ?1");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, id);
  if (auto done = run(*s); !done) {
    return inOp(kOp, done.error());
  }
  if (db_->changes() == 0) {
    return notFound("output", id, "id");
  }
  return core::ok();
}

core::Result<std::optional<OutputRecord>> StreamStore::getOutput(int64_t id) {
  auto r = fetchById<OutputRecord>(*db_, kSelectOutput, id, readOutput);
  if (!r) {
    return inOp("get output", r.error());
  }
  return r;
}

core::Result<std::vector<OutputRecord>> StreamStore::listOutputs(int64_t offset, int64_t limit) {
  constexpr std::string_view kOp = "list outputs";
  if (auto c = checkOffset(offset); !c) {
    return c.error();
  }
  auto s = Stmt::prepare(*db_,
                         "SELECT id, input_id, name, enabled, config, created_ms, updated_ms FROM "
                         "outputs ORDER BY id LIMIT ?1 OFFSET ?2");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, limit < 0 ? int64_t{-1} : limit).bind(2, offset);
  auto rows = collect<OutputRecord>(*s, readOutput);
  if (!rows) {
    return inOp(kOp, rows.error());
  }
  return rows;
}

core::Result<std::vector<OutputRecord>> StreamStore::listOutputsOf(int64_t input_id) {
  constexpr std::string_view kOp = "list outputs of input";
  auto s = Stmt::prepare(*db_,
                         "SELECT id, input_id, name, enabled, config, created_ms, updated_ms FROM "
                         "outputs WHERE input_id = ?1 ORDER BY id");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, input_id);
  auto rows = collect<OutputRecord>(*s, readOutput);
  if (!rows) {
    return inOp(kOp, rows.error());
  }
  return rows;
}

core::Result<int64_t> StreamStore::countOutputs() {
  auto n = countOf(*db_, "SELECT COUNT(*) FROM outputs", std::nullopt);
  if (!n) {
    return inOp("count outputs", n.error());
  }
  return n;
}

core::Result<int64_t> StreamStore::countOutputsOf(int64_t input_id) {
  auto n = countOf(*db_, "SELECT COUNT(*) FROM outputs WHERE input_id = ?1", input_id);
  if (!n) {
    return inOp("count outputs of input", n.error());
  }
  return n;
}

}  // namespace srtgw::store
