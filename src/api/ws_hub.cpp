#include "api/ws_hub.hpp"

#include <nlohmann/json.hpp>

namespace srtgw::api {

void WsHub::add(const std::shared_ptr<WsClient>& c) {
  std::lock_guard lock(mu_);
  clients_[c.get()] = Entry{c, {}};
}

void WsHub::remove(const WsClient* c) {
  std::lock_guard lock(mu_);
  clients_.erase(c);
}

void WsHub::onMessage(const WsClient* c, const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::lock_guard lock(mu_);
  auto it = clients_.find(c);
  if (it == clients_.end()) {
    return;
  }
  if (j.is_object() && j.contains("subscribe") && j["subscribe"].is_array()) {
    std::set<std::string> keys;
    for (const auto& k : j["subscribe"]) {
      if (k.is_string() && k.get<std::string>().size() <= 64 && keys.size() < 10000) {
        keys.insert(k.get<std::string>());
      }
    }
    it->second.subscription = std::move(keys);
    nlohmann::json ack{{"type", "subscribed"}, {"streams", it->second.subscription}};
    if (!send_locked(it->second, std::make_shared<const std::string>(ack.dump()))) {
      clients_.erase(it);
    }
  } else {
    nlohmann::json err{{"type", "error"}, {"message", R"(send {"subscribe": ["input:1", ...]})"}};
    if (!send_locked(it->second, std::make_shared<const std::string>(err.dump()))) {
      clients_.erase(it);
    }
  }
}

bool WsHub::send_locked(Entry& e, std::shared_ptr<const std::string> msg) {
  auto c = e.client.lock();
  if (!c) {
    return false;
  }
  if (!c->enqueue(std::move(msg))) {
    ++dropped_;  // the client closes itself; it gets nothing more from here
    return false;
  }
  return true;
}

void WsHub::sendAll_locked(const std::function<std::shared_ptr<const std::string>(Entry&)>& make) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (send_locked(it->second, make(it->second))) {
      ++it;
    } else {
      it = clients_.erase(it);
    }
  }
}

void WsHub::publishEvent(const std::string& event_json) {
  auto msg = std::make_shared<const std::string>(R"({"type":"event","event":)" + event_json + "}");
  std::lock_guard lock(mu_);
  sendAll_locked([&](Entry&) { return msg; });
}

void WsHub::publishStats(int64_t time_ms,
                         const std::vector<std::pair<std::string, std::string>>& streams) {
  std::lock_guard lock(mu_);
  if (clients_.empty()) {
    return;
  }
  std::shared_ptr<const std::string> everything;
  sendAll_locked([&](Entry& e) -> std::shared_ptr<const std::string> {
    if (e.subscription.empty() && everything) {
      return everything;
    }
    std::string body = R"({"type":"stats","time_ms":)" + std::to_string(time_ms) + R"(,"streams":[)";
    bool first = true;
    for (const auto& [key, json] : streams) {
      if (e.subscription.empty() || e.subscription.count(key) != 0) {
        body += (first ? "" : ",") + json;
        first = false;
      }
    }
    body += "]}";
    auto msg = std::make_shared<const std::string>(std::move(body));
    if (e.subscription.empty()) {
      everything = msg;
    }
    return msg;
  });
}

size_t WsHub::clients() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

uint64_t WsHub::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace srtgw::api
