#pragma once
// Events: typed, stored in SQLite as a bounded log, and handed to listeners (the WebSocket
// feed, webhooks). publish() never blocks its caller — engine workers and libsrt threads
// call it — : events wait in a bounded queue (the oldest is dropped and counted when it is
// full) and the `events` thread stores and distributes them in order.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/named_thread.hpp"
#include "core/result.hpp"
#include "store/db.hpp"
#include "store/event_store.hpp"

namespace srtgw::control {

struct Event {
  int64_t id = 0;
  int64_t time_ms = 0;
  std::string type;
  int64_t input_id = 0;
  int64_t output_id = 0;
  std::string message;
  nlohmann::json data = nlohmann::json::object();
};

nlohmann::json toJson(const Event& e);

struct EventBusConfig {
  std::string db_path;
  int64_t max_events = 10000;  // the log keeps this many, newest
  size_t max_queue = 4096;     // events waiting to be stored
};

class EventBus {
 public:
  /// Between two event-log transactions in a burst: the write lock is free for this long.
  static constexpr std::chrono::milliseconds kBurstPause{10};

  using Listener = std::function<void(const Event&)>;

  explicit EventBus(EventBusConfig cfg);
  ~EventBus();

  /// Opens the bus's own database connection and starts the `events` thread.
  core::Result<void> start();
  /// Stores what is queued, then stops the thread. Idempotent.
  void stop();
  /// Any thread, never blocks. Sets time_ms when it is 0.
  void publish(Event e);
  /// Before start(): called on the events thread for every stored event, in order.
  void addListener(Listener l);
  /// Control threads: newest first, with the total matching count.
  core::Result<std::vector<Event>> query(const store::EventQuery& q, int64_t& total);
  uint64_t dropped() const;

 private:
  void run(std::stop_token st);

  EventBusConfig cfg_;
  std::vector<Listener> listeners_;
  std::optional<store::Db> db_;  // guarded by db_mu_
  std::mutex db_mu_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Event> queue_;  // guarded by mu_
  uint64_t dropped_ = 0;     // guarded by mu_
  core::NamedThread thread_;
};

}  // namespace srtgw::control
