#include "store/event_store.hpp"

namespace srtgw::store {
namespace {

// WHERE clause shared by query and count; binds start at index 1.
const char* kWhere =
    " WHERE (?1 = '' OR type = ?1 OR (substr(?1, -1) = '.' AND substr(type, 1, length(?1)) = ?1))"
    " AND (?2 = 0 OR input_id = ?2) AND (?3 = 0 OR output_id = ?3)"
    " AND time_ms >= ?4 AND id > ?5";

void bindFilter(Stmt& s, const EventQuery& q) {
  s.bind(1, std::string_view(q.type));
  s.bind(2, q.input_id);
  s.bind(3, q.output_id);
  s.bind(4, q.since_ms);
  s.bind(5, q.after_id);
}

}  // namespace

// One transaction (one fsync, one turn at the write lock) for the whole batch: a burst of
// events stored one transaction each kept the write lock nearly always taken, and the API's
// writes timed out waiting for it.
core::Result<void> EventStore::append(std::vector<EventRecord>& records, int64_t max_events) {
  if (records.empty()) return core::ok();
  auto tx = Tx::begin(db_);
  if (!tx) return tx.error();
  auto ins = Stmt::prepare(db_,
                           "INSERT INTO events(time_ms, type, input_id, output_id, message, data) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
  if (!ins) return ins.error();
  for (EventRecord& e : records) {
    ins->reset();
    ins->bind(1, e.time_ms).bind(2, std::string_view(e.type)).bind(3, e.input_id);
    ins->bind(4, e.output_id)
        .bind(5, std::string_view(e.message))
        .bind(6, std::string_view(e.data));
    if (auto r = ins->step(); !r) return r.error();
    e.id = db_.lastInsertId();
  }
  if (max_events > 0) {
    auto trim = Stmt::prepare(db_, "DELETE FROM events WHERE id <= ?");
    if (!trim) return trim.error();
    trim->bind(1, records.back().id - max_events);
    if (auto r = trim->step(); !r) return r.error();
  }
  return tx->commit();
}

core::Result<std::vector<EventRecord>> EventStore::query(const EventQuery& q) {
  auto s = Stmt::prepare(db_, std::string("SELECT id, time_ms, type, input_id, output_id, message, "
                                          "data FROM events") +
                                  kWhere + " ORDER BY id DESC LIMIT ?6 OFFSET ?7");
  if (!s) return s.error();
  bindFilter(*s, q);
  s->bind(6, q.limit).bind(7, q.offset);
  std::vector<EventRecord> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) break;
    EventRecord e;
    e.id = s->columnInt64(0);
    e.time_ms = s->columnInt64(1);
    e.type = s->columnText(2);
    e.input_id = s->columnInt64(3);
    e.output_id = s->columnInt64(4);
    e.message = s->columnText(5);
    e.data = s->columnText(6);
    out.push_back(std::move(e));
  }
  return out;
}

core::Result<int64_t> EventStore::count(const EventQuery& q) {
  auto s = Stmt::prepare(db_, std::string("SELECT COUNT(*) FROM events") + kWhere);
  if (!s) return s.error();
  bindFilter(*s, q);
  auto row = s->step();
  if (!row) return row.error();
  return s->columnInt64(0);
}

}  // namespace srtgw::store
