#include "control/event_bus.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

namespace srtgw::control {

using nlohmann::json;

json toJson(const Event& e) {
  json j{{"id", e.id}, {"time_ms", e.time_ms}, {"type", e.type}, {"data", e.data}};
  if (e.input_id != 0) j["input_id"] = e.input_id;
  if (e.output_id != 0) j["output_id"] = e.output_id;
  if (!e.message.empty()) j["message"] = e.message;
  return j;
}

EventBus::EventBus(EventBusConfig cfg) : cfg_(std::move(cfg)) {}

EventBus::~EventBus() { stop(); }

core::Result<void> EventBus::start() {
  // Crash-safe, not power-safe: an event log may lose its last events in a power cut, and
  // in exchange its commits (many, in a burst) never hold the write lock through an fsync
  // that the API's configuration writes would have to wait out.
  auto db = store::Db::open(cfg_.db_path, store::Durability::kCrashSafe);
  if (!db) {
    return db.error();
  }
  db_.emplace(std::move(*db));
  thread_ = core::NamedThread("events", [this](std::stop_token st) { run(st); });
  return core::ok();
}

void EventBus::stop() { thread_.stopAndJoin(); }

void EventBus::publish(Event e) {
  if (e.time_ms == 0) {
    e.time_ms = core::wallNowMs();
  }
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= cfg_.max_queue) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(e));
  }
  cv_.notify_one();
}

void EventBus::addListener(Listener l) { listeners_.push_back(std::move(l)); }

uint64_t EventBus::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void EventBus::run(std::stop_token st) {
  std::deque<Event> batch;
  std::vector<store::EventRecord> records;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, st, [&] { return !queue_.empty(); });
      batch.swap(queue_);
    }
    records.clear();
    for (const auto& e : batch) {
      records.push_back({0, e.time_ms, e.type, e.input_id, e.output_id, e.message,
                         e.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
    {
      std::lock_guard lock(db_mu_);
      if (auto r = store::EventStore(*db_).append(records, cfg_.max_events); !r) {
        spdlog::warn("event log: {} events not stored: {}", records.size(), r.error().message);
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].id = records[i].id;
      for (const auto& l : listeners_) {
        l(batch[i]);
      }
    }
    batch.clear();
    std::unique_lock lock(mu_);
    if (st.stop_requested() && queue_.empty()) {
      return;
    }
    // More came while that batch was stored (a burst): leave the write lock free for a moment
    // first. SQLite's waiting writers poll for it, and back-to-back transactions here kept the
    // API's writes out until they timed out. The next batch is the larger for the pause.
    if (!queue_.empty() && !st.stop_requested()) {
      cv_.wait_for(lock, st, kBurstPause, [] { return false; });
    }
  }
}

core::Result<std::vector<Event>> EventBus::query(const store::EventQuery& q, int64_t& total) {
  std::lock_guard lock(db_mu_);
  if (!db_) {
    return core::makeError(core::Errc::kInternal, "the event log is not open");
  }
  store::EventStore es(*db_);
  auto rows = es.query(q);
  if (!rows) return rows.error();
  auto n = es.count(q);
  if (!n) return n.error();
  total = *n;
  std::vector<Event> out;
  for (auto& r : *rows) {
    Event e{r.id, r.time_ms, r.type, r.input_id, r.output_id, r.message,
            json::parse(r.data, nullptr, false)};
    if (e.data.is_discarded()) e.data = json::object();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace srtgw::control
