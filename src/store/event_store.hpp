#pragma once
// The event log: typed events with their time, the streams they concern and a JSON
// payload. Bounded: each append removes what lies more than `max_events` behind it, so the
// table never grows past the configured size (oldest dropped first).

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace srtgw::store {

struct EventRecord {
  int64_t id = 0;
  int64_t time_ms = 0;  // wall clock
  std::string type;     // "input.state", "client.connected", ...
  int64_t input_id = 0;
  int64_t output_id = 0;
  std::string message;
  std::string data = "{}";  // JSON object
};

struct EventQuery {
  std::string type;  // exact, or a prefix ending in '.' ("client." matches client.*)
  int64_t input_id = 0;
  int64_t output_id = 0;
  int64_t since_ms = 0;
  int64_t after_id = 0;
  int64_t offset = 0;
  int64_t limit = 100;
};

class EventStore {
 public:
  explicit EventStore(Db& db) : db_(db) {}

  /// Stores the events in one transaction, in order (assigning their ids), and trims the log
  /// to `max_events`. On error nothing is stored.
  core::Result<void> append(std::vector<EventRecord>& records, int64_t max_events);
  /// Newest first.
  core::Result<std::vector<EventRecord>> query(const EventQuery& q);
  core::Result<int64_t> count(const EventQuery& q);

 private:
  Db& db_;
};

}  // namespace srtgw::store
