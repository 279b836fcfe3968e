#pragma once
// WebhookWorker: delivers one webhook's events, in order, from its own `webhook-<id>` thread.
//
// Events wait in a bounded queue (full: the oldest waiting one is dropped and counted). The
// worker sends one at a time; a failure (no answer, a non-2xx status, the timeout) is retried
// after 1 s, 2 s, 4 s... (capped) up to `max_attempts`, and the events behind it wait: a
// receiver sees events in the order they happened. After the last attempt the event is
// counted as failed and the next one goes. Stop (destruction) interrupts a backoff wait and an
// HTTP exchange in progress, so it is prompt; what is still queued then is not delivered.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "control/webhook_config.hpp"
#include "control/webhook_poster.hpp"
#include "core/named_thread.hpp"

namespace srtgw::control {

struct WebhookLimits {
  size_t max_pending = 1000;  // events queued or in flight, per webhook
  int max_attempts = 6;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds timeout{5000};  // one HTTP exchange
  size_t max_log = 100;                     // attempts kept for /deliveries, per webhook
};

/// What the worker needs to know about its webhook; replaced whole on a change.
struct WebhookTarget {
  WebhookUrl url;
  std::string secret;
  bool enabled = true;
};

/// One event, serialized once for every webhook that wants it.
struct WebhookEvent {
  int64_t id = 0;
  std::string type;
  std::shared_ptr<const std::string> body;  // control::toJson(event).dump()
};

class WebhookWorker {
 public:
  /// Control thread: starts the `webhook-<id>` thread.
  WebhookWorker(int64_t id, WebhookTarget target, WebhookLimits limits, Poster poster,
                std::string user_agent);
  /// Control thread: stops the thread promptly (see above) and joins it.
  ~WebhookWorker();
  WebhookWorker(const WebhookWorker&) = delete;
  WebhookWorker& operator=(const WebhookWorker&) = delete;

  /// Control thread: a new URL/secret/enabled. The next attempt uses it at once (a pending
  /// backoff is cut short); disabling drops what is waiting and ends the current retries.
  void retarget(WebhookTarget target);
  /// Events thread: queues the event; never blocks on delivery.
  void enqueue(const WebhookEvent& e);
  /// Any thread: delivery figures as JSON (delivered, failed, dropped, pending, last_*).
  nlohmann::json figures() const;
  /// Any thread: the attempt log, newest first, with the total kept.
  nlohmann::json log(size_t offset, size_t limit, size_t& total) const;

 private:
  struct Pending {
    WebhookEvent event;
    std::string delivery_id;
  };
  void run(std::stop_token st);
  void deliver(std::stop_token st, const Pending& p);
  void record_locked(nlohmann::json attempt);

  const int64_t id_;
  const WebhookLimits limits_;
  const Poster poster_;
  const std::string user_agent_;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  WebhookTarget target_;            // guarded by mu_
  uint64_t generation_ = 0;         // guarded by mu_; bumped by retarget()
  std::deque<Pending> queue_;       // guarded by mu_
  bool in_flight_ = false;          // guarded by mu_
  uint64_t delivered_ = 0;          // guarded by mu_
  uint64_t failed_ = 0;             // guarded by mu_
  uint64_t dropped_ = 0;            // guarded by mu_
  std::optional<int> last_status_;  // guarded by mu_
  std::string last_error_;          // guarded by mu_
  int64_t last_attempt_ms_ = 0;     // guarded by mu_
  std::deque<nlohmann::json> log_;  // guarded by mu_; newest at the front

  core::NamedThread thread_;  // last: starts after everything it uses exists
};

}  // namespace srtgw::control
