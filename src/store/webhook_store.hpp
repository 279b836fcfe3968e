#pragma once
// WebhookStore: the configured webhooks (where events are POSTed, which ones, with which secret).
//
// Schema: webhooks(id, url, events, secret, enabled, created_ms, updated_ms) from migration 2,
// plus `name` from migration 3. `events` is a JSON array of event types and prefixes, opaque
// here. `secret` is kept in clear because signing needs it; the store never puts it (nor any
// other column) in an error message. ids are AUTOINCREMENT, never reused.
// Same threading rule as the Db: one thread at a time; every write commits before returning.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace srtgw::store {

struct WebhookRecord {
  int64_t id = 0;
  std::string name;
  std::string url;
  std::string events = "[]";  // JSON array, opaque here
  std::string secret;         // "" when none
  bool enabled = true;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

class WebhookStore {
 public:
  /// Db owner thread: `db` must outlive the store and already be migrated.
  explicit WebhookStore(Db& db) : db_(&db) {}

  /// Db owner thread: inserts; id and created_ms/updated_ms are assigned (r.id is ignored).
  core::Result<WebhookRecord> create(WebhookRecord r);
  /// Db owner thread: replaces every field but the id and created_ms; kNotFound when absent.
  core::Result<WebhookRecord> update(WebhookRecord r);
  /// Db owner thread: deletes; kNotFound when absent.
  core::Result<void> remove(int64_t id);
  /// Db owner thread: every webhook, ordered by id.
  core::Result<std::vector<WebhookRecord>> list();

 private:
  Db* db_;
};

}  // namespace srtgw::store
