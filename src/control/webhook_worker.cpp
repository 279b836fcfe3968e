#include "control/webhook_worker.hpp"

#include <algorithm>

#include "control/webhook_signature.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"

namespace srtgw::control {

using nlohmann::json;

namespace {

json orNull(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json orNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::chrono::milliseconds backoffFor(const WebhookLimits& l, int attempt) {
  auto d = l.initial_backoff;
  for (int i = 1; i < attempt && d < l.max_backoff; ++i) {
    d *= 2;
  }
  return std::min(d, l.max_backoff);
}

}  // namespace

WebhookWorker::WebhookWorker(int64_t id, WebhookTarget target, WebhookLimits limits, Poster poster,
                             std::string user_agent)
    : id_(id),
      limits_(limits),
      poster_(std::move(poster)),
      user_agent_(std::move(user_agent)),
      target_(std::move(target)),
      thread_("webhook-" + std::to_string(id), [this](std::stop_token st) { run(st); }) {}

WebhookWorker::~WebhookWorker() { thread_.stopAndJoin(); }

void WebhookWorker::retarget(WebhookTarget target) {
  {
    std::lock_guard lock(mu_);
    target_ = std::move(target);
    ++generation_;
    if (!target_.enabled) {
      dropped_ += queue_.size();
      queue_.clear();
    }
  }
  cv_.notify_all();
}

void WebhookWorker::enqueue(const WebhookEvent& e) {
  {
    std::lock_guard lock(mu_);
    if (!target_.enabled) {
      return;
    }
    // Bounded: a dead or slow receiver costs at most max_pending events; the oldest waiting
    // one gives way (the one in flight keeps its place, so order is never broken).
    while (!queue_.empty() && queue_.size() + (in_flight_ ? 1 : 0) >= limits_.max_pending) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(Pending{e, newDeliveryId()});
  }
  cv_.notify_all();
}

json WebhookWorker::figures() const {
  std::lock_guard lock(mu_);
  return json{{"delivered", delivered_},
              {"failed", failed_},
              {"dropped", dropped_},
              {"pending", queue_.size() + (in_flight_ ? 1 : 0)},
              {"last_status", orNull(last_status_)},
              {"last_error", orNull(last_error_)},
              {"last_attempt_ms", last_attempt_ms_ == 0 ? json(nullptr) : json(last_attempt_ms_)}};
}

json WebhookWorker::log(size_t offset, size_t limit, size_t& total) const {
  std::lock_guard lock(mu_);
  total = log_.size();
  json items = json::array();
  for (size_t i = offset; i < log_.size() && items.size() < limit; ++i) {
    items.push_back(log_[i]);
  }
  return items;
}

void WebhookWorker::record_locked(json attempt) {
  log_.push_front(std::move(attempt));
  while (log_.size() > limits_.max_log) {
    log_.pop_back();
  }
}

void WebhookWorker::run(std::stop_token st) {
  for (;;) {
    Pending p;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, st, [&] { return !queue_.empty(); });
      if (st.stop_requested()) {
        return;
      }
      p = std::move(queue_.front());
      queue_.pop_front();
      in_flight_ = true;
    }
    deliver(st, p);
    std::lock_guard lock(mu_);
    in_flight_ = false;
  }
}

void WebhookWorker::deliver(std::stop_token st, const Pending& p) {
  for (int attempt = 1;; ++attempt) {
    WebhookTarget target;
    uint64_t generation = 0;
    {
      std::lock_guard lock(mu_);
      if (!target_.enabled) {
        ++dropped_;  // disabled while retrying: given up, not failed by the endpoint
        return;
      }
      target = target_;
      generation = generation_;
    }
    OutboundPost req;
    req.host = target.url.host;
    req.port = target.url.port;
    req.target = target.url.target;
    req.timeout = limits_.timeout;
    req.body = *p.event.body;
    req.headers = {{"Content-Type", "application/json"},
                   {"User-Agent", user_agent_},
                   {"X-Srtgw-Event", p.event.type},
                   {"X-Srtgw-Delivery", p.delivery_id},
                   {"X-Srtgw-Attempt", std::to_string(attempt)}};
    if (!target.secret.empty()) {
      // Over the exact bytes sent, so a receiver can check them before parsing.
      req.headers.emplace_back("X-Srtgw-Signature",
                               "sha256=" + hmacSha256Hex(target.secret, req.body));
    }
    const int64_t t0 = core::steadyNowMs();
    const PostOutcome r = poster_(req, st);
    if (st.stop_requested()) {
      return;  // shutting down: an interrupted attempt says nothing about the receiver
    }
    const bool ok = r.status >= 200 && r.status < 300;
    const std::string error =
        ok ? std::string() : (r.status != 0 ? "HTTP " + std::to_string(r.status) : r.error);
    const bool last = !ok && attempt >= limits_.max_attempts;
    const auto backoff = backoffFor(limits_, attempt);
    std::unique_lock lock(mu_);
    last_status_ = r.status != 0 ? std::optional<int>(r.status) : std::nullopt;
    last_error_ = error;
    last_attempt_ms_ = core::wallNowMs();
    record_locked(json{{"delivery_id", p.delivery_id},
                       {"event_id", p.event.id},
                       {"event_type", p.event.type},
                       {"attempt", attempt},
                       {"time_ms", last_attempt_ms_},
                       {"duration_ms", core::steadyNowMs() - t0},
                       {"status", orNull(last_status_)},
                       {"error", orNull(error)},
                       {"outcome", ok ? "delivered" : (last ? "failed" : "retrying")}});
    if (ok) {
      ++delivered_;
      return;
    }
    if (last) {
      ++failed_;
      spdlog::warn("webhook {}: delivery {} ({}) failed after {} attempts: {}", id_, p.delivery_id,
                   p.event.type, attempt, error);
      return;
    }
    spdlog::warn("webhook {}: delivery {} ({}) attempt {} failed: {}; retrying in {} ms", id_,
                 p.delivery_id, p.event.type, attempt, error, backoff.count());
    // A retarget (new URL, disabled) ends the wait early; so does stop.
    cv_.wait_for(lock, st, backoff, [&] { return generation_ != generation; });
    if (st.stop_requested()) {
      return;
    }
  }
}

}  // namespace srtgw::control
