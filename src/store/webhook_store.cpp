#include "store/webhook_store.hpp"

#include <string_view>
#include <utility>

#include "core/clock.hpp"

namespace srtgw::store {
namespace {

constexpr std::string_view kColumns =
    "id, name, url, events, secret, enabled, created_ms, updated_ms";

WebhookRecord readRow(Stmt& s) {
  return WebhookRecord{s.columnInt64(0), s.columnText(1),       s.columnText(2),  s.columnText(3),
                       s.columnText(4),  s.columnInt64(5) != 0, s.columnInt64(6), s.columnInt64(7)};
}

core::Error inOp(std::string_view op, core::Error e) {
  e.message = std::string(op) + ": " + e.message;
  return e;
}

core::Error notFound(int64_t id) {
  return core::makeError(core::Errc::kNotFound, "webhook " + std::to_string(id) + " not found",
                         "id");
}

}  // namespace

core::Result<WebhookRecord> WebhookStore::create(WebhookRecord r) {
  constexpr std::string_view kOp = "create webhook";
  auto s = Stmt::prepare(*db_,
                         "INSERT INTO webhooks (name, url, events, secret, enabled, created_ms, "
                         "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  if (!s) {
    return inOp(kOp, s.error());
  }
  r.created_ms = r.updated_ms = core::wallNowMs();
  s->bind(1, std::string_view(r.name)).bind(2, std::string_view(r.url));
  s->bind(3, std::string_view(r.events)).bind(4, std::string_view(r.secret));
  s->bind(5, r.enabled).bind(6, r.created_ms);
  // One statement in autocommit mode: committed (and synced) when step() returns.
  if (auto done = s->step(); !done) {
    return inOp(kOp, done.error());
  }
  r.id = db_->lastInsertId();
  return r;
}

core::Result<WebhookRecord> WebhookStore::update(WebhookRecord r) {
  constexpr std::string_view kOp = "update webhook";
  auto tx = Tx::begin(*db_);
  if (!tx) {
    return inOp(kOp, tx.error());
  }
  // MAX keeps updated_ms from going backwards when the wall clock is stepped back.
  auto s = Stmt::prepare(*db_,
                         "UPDATE webhooks SET name = ?1, url = ?2, events = ?3, secret = ?4, "
                         "enabled = ?5, updated_ms = MAX(?6, updated_ms) WHERE id = ?7");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, std::string_view(r.name)).bind(2, std::string_view(r.url));
  s->bind(3, std::string_view(r.events)).bind(4, std::string_view(r.secret));
  s->bind(5, r.enabled).bind(6, core::wallNowMs()).bind(7, r.id);
  if (auto done = s->step(); !done) {
    return inOp(kOp, done.error());
  }
  if (db_->changes() == 0) {
    return notFound(r.id);
  }
  auto get =
      Stmt::prepare(*db_, "SELECT " + std::string(kColumns) + " FROM webhooks WHERE id = ?1");
  if (!get) {
    return inOp(kOp, get.error());
  }
  get->bind(1, r.id);
  auto row = get->step();
  if (!row || !*row) {
    return inOp(kOp,
                row ? core::makeError(core::Errc::kInternal, "updated row vanished") : row.error());
  }
  WebhookRecord stored = readRow(*get);
  if (auto c = tx->commit(); !c) {
    return inOp(kOp, c.error());
  }
  return stored;
}

core::Result<void> WebhookStore::remove(int64_t id) {
  constexpr std::string_view kOp = "delete webhook";
  auto s = Stmt::prepare(*db_, "DELETE FROM webhooks WHERE id = ?1");
  if (!s) {
    return inOp(kOp, s.error());
  }
  s->bind(1, id);
  if (auto done = s->step(); !done) {
    return inOp(kOp, done.error());
  }
  if (db_->changes() == 0) {
    return notFound(id);
  }
  return core::ok();
}

core::Result<std::vector<WebhookRecord>> WebhookStore::list() {
  constexpr std::string_view kOp = "list webhooks";
  auto s = Stmt::prepare(*db_, "SELECT " + std::string(kColumns) + " FROM webhooks ORDER BY id");
  if (!s) {
    return inOp(kOp, s.error());
  }
  std::vector<WebhookRecord> out;
  for (;;) {
    auto row = s->step();
    if (!row) {
      return inOp(kOp, row.error());
    }
    if (!*row) {
      return out;
    }
    out.push_back(readRow(*s));
  }
}

}  // namespace srtgw::store
