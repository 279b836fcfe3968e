#pragma once
// The live feed behind /api/v1/ws: every event as it happens, and a statistics snapshot of
// every running stream once per interval. A client may narrow the snapshots to some streams:
//   {"subscribe": ["input:1", "output:3"]}   ({"subscribe": []} means all again)
// A client that cannot keep up (more than kMaxQueued messages waiting) is disconnected: it
// never makes the gateway hold more memory or wait. (Also at more than kMaxQueuedBytes.)

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace srtgw::api {

class WsClient {
 public:
  virtual ~WsClient() = default;
  /// Any thread. False when the client is too far behind and is being closed.
  virtual bool enqueue(std::shared_ptr<const std::string> message) = 0;
  virtual void close() = 0;
};

class WsHub {
 public:
  static constexpr size_t kMaxQueued = 64;
  static constexpr size_t kMaxQueuedBytes = 1 << 20;

  /// HTTP thread, after the upgrade.
  void add(const std::shared_ptr<WsClient>& c);
  void remove(const WsClient* c);
  /// HTTP thread: a text frame from the client.
  void onMessage(const WsClient* c, const std::string& text);

  /// Any thread: to every client.
  void publishEvent(const std::string& event_json);
  /// Any thread: `streams` are ("input:1", json object) pairs; each client gets those it
  /// subscribed to, in one message.
  void publishStats(int64_t time_ms, const std::vector<std::pair<std::string, std::string>>& streams);
  size_t clients() const;
  uint64_t dropped() const;

 private:
  struct Entry {
    std::weak_ptr<WsClient> client;
    std::set<std::string> subscription;  // empty = everything
  };
  bool send_locked(Entry& e, std::shared_ptr<const std::string> msg);
  void sendAll_locked(const std::function<std::shared_ptr<const std::string>(Entry&)>& make);

  mutable std::mutex mu_;
  std::unordered_map<const WsClient*, Entry> clients_;  // guarded by mu_
  uint64_t dropped_ = 0;                                // guarded by mu_
};

}  // namespace srtgw::api
