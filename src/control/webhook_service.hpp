#pragma once
// The operations behind /api/v1/webhooks, and the dispatcher that hands each event to the
// webhooks that want it. Webhooks are stored in SQLite (they survive restarts); each one has
// a WebhookWorker (its own `webhook-<id>` thread, bounded queue, ordered retries).
//
// Threads: HTTP threads call the CRUD operations; the `events` thread calls onEvent(). Both
// are serialized by one mutex, which onEvent() holds only to queue (never to deliver). The
// service owns its own database connection, so it never shares one with StreamService.

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "control/event_bus.hpp"
#include "control/reply.hpp"
#include "control/webhook_config.hpp"
#include "control/webhook_poster.hpp"
#include "control/webhook_worker.hpp"
#include "store/db.hpp"

namespace srtgw::control {

struct WebhookServiceConfig {
  std::string db_path;     // the gateway's (migrated) database
  std::string user_agent;  // "srtgw/<version>"
  WebhookLimits limits;
  Poster poster;
};

class WebhookService {
 public:
  /// Main thread.
  explicit WebhookService(WebhookServiceConfig cfg);
  /// Main thread: stops every worker promptly (undelivered events are not kept).
  ~WebhookService();
  WebhookService(const WebhookService&) = delete;
  WebhookService& operator=(const WebhookService&) = delete;

  /// Main thread, before the EventBus starts: opens the database and starts the stored webhooks.
  core::Result<void> start();
  /// Events thread (an EventBus listener): queues the event for every enabled webhook that
  /// wants it. Never waits for a delivery.
  void onEvent(const Event& e);

  /// HTTP threads: the operations of the REST API.
  Reply list(int64_t page, int64_t per_page);
  /// HTTP threads.
  Reply get(int64_t id);
  /// HTTP threads.
  Reply create(const nlohmann::json& body);
  /// HTTP threads: PUT (a full replacement: an absent secret removes it).
  Reply replace(int64_t id, const nlohmann::json& body);
  /// HTTP threads: JSON merge patch (an absent secret is kept, `"secret": null` removes it).
  Reply patch(int64_t id, const nlohmann::json& patch);
  /// HTTP threads: deletes the webhook and stops its worker.
  Reply remove(int64_t id);
  /// HTTP threads: the attempt log, newest first.
  Reply deliveries(int64_t id, int64_t page, int64_t per_page);

 private:
  struct Entry {
    WebhookDoc doc;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
    std::unique_ptr<WebhookWorker> worker;
  };

  Reply apply_locked(int64_t id, WebhookDoc doc);
  nlohmann::json view_locked(int64_t id) const;
  std::unique_ptr<WebhookWorker> makeWorker(int64_t id, const WebhookDoc& doc) const;

  const WebhookServiceConfig cfg_;
  mutable std::mutex mu_;
  std::optional<store::Db> db_;     // guarded by mu_
  std::map<int64_t, Entry> hooks_;  // guarded by mu_
};

}  // namespace srtgw::control
