#include "control/webhook_service.hpp"

#include <fmt/format.h>

#include <utility>

#include "control/stream_config.hpp"
#include "core/log.hpp"
#include "store/webhook_store.hpp"

namespace srtgw::control {

using nlohmann::json;

namespace {

Reply invalid(std::vector<FieldError> errors) {
  std::string detail = errors.size() == 1 ? errors[0].field + ": " + errors[0].message
                                          : fmt::format("{} fields are invalid", errors.size());
  return Reply::fail(400, "Invalid request", detail, std::move(errors));
}

Reply notFound(int64_t id) {
  return Reply::fail(404, "Not Found", fmt::format("no webhook with id {}", id));
}

Reply storeFailure(const core::Error& e) {
  spdlog::error("store: {}", e.message);  // store errors name the operation, never a value
  return Reply::fail(500, "Storage failure", "the change could not be stored");
}

store::WebhookRecord toRecord(int64_t id, const WebhookDoc& d) {
  store::WebhookRecord r;
  r.id = id;
  r.name = d.name;
  r.url = d.url;
  r.events = json(d.events).dump();
  r.secret = d.secret;
  r.enabled = d.enabled;
  return r;
}

WebhookTarget targetOf(const WebhookDoc& d) { return WebhookTarget{d.target, d.secret, d.enabled}; }

}  // namespace

WebhookService::WebhookService(WebhookServiceConfig cfg) : cfg_(std::move(cfg)) {}

WebhookService::~WebhookService() {
  std::map<int64_t, Entry> hooks;
  {
    std::lock_guard lock(mu_);
    hooks.swap(hooks_);
  }
  // Outside the lock, like remove(); each worker stops promptly (no backoff is waited out).
  hooks.clear();
}

std::unique_ptr<WebhookWorker> WebhookService::makeWorker(int64_t id, const WebhookDoc& doc) const {
  return std::make_unique<WebhookWorker>(id, targetOf(doc), cfg_.limits, cfg_.poster,
                                         cfg_.user_agent);
}

core::Result<void> WebhookService::start() {
  auto db = store::Db::open(cfg_.db_path);
  if (!db) {
    return db.error();
  }
  std::lock_guard lock(mu_);
  db_.emplace(std::move(*db));
  auto rows = store::WebhookStore(*db_).list();
  if (!rows) {
    return rows.error();
  }
  for (auto& rec : *rows) {
    json full{{"name", rec.name}, {"url", rec.url}, {"enabled", rec.enabled}};
    full["events"] = json::parse(rec.events, nullptr, false);
    if (full["events"].is_discarded()) full["events"] = json::array();
    if (!rec.secret.empty()) full["secret"] = rec.secret;
    std::vector<FieldError> errors;
    auto doc = parseWebhookDoc(full, errors);
    if (!doc) {
      // Kept (it can be fixed with PUT) but not run.
      spdlog::warn("webhook {}: stored configuration is no longer valid ({} {}); disabled", rec.id,
                   errors.empty() ? "" : errors[0].field, errors.empty() ? "" : errors[0].message);
      doc.emplace();
      doc->name = rec.name;
      doc->url = rec.url;
      doc->enabled = false;
    }
    Entry e{std::move(*doc), rec.created_ms, rec.updated_ms, nullptr};
    e.worker = makeWorker(rec.id, e.doc);
    hooks_[rec.id] = std::move(e);
  }
  spdlog::info("restored {} webhooks", hooks_.size());
  return core::ok();
}

void WebhookService::onEvent(const Event& e) {
  std::shared_ptr<const std::string> body;  // serialized once, shared by every webhook
  std::lock_guard lock(mu_);
  for (auto& [id, h] : hooks_) {
    if (!h.doc.enabled || !webhookWants(h.doc.events, e.type)) {
      continue;
    }
    if (!body) {
      body = std::make_shared<const std::string>(toJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    h.worker->enqueue(WebhookEvent{e.id, e.type, body});
  }
}

json WebhookService::view_locked(int64_t id) const {
  const Entry& h = hooks_.at(id);
  json v = webhookPublicDocument(id, h.doc);
  v["created_ms"] = h.created_ms;
  v["updated_ms"] = h.updated_ms;
  v.update(h.worker->figures());
  return v;
}

Reply WebhookService::list(int64_t page, int64_t per_page) {
  std::lock_guard lock(mu_);
  json items = json::array();
  int64_t skip = (page - 1) * per_page;
  for (const auto& [id, h] : hooks_) {
    if (skip-- > 0) continue;
    if (static_cast<int64_t>(items.size()) >= per_page) break;
    items.push_back(view_locked(id));
  }
  return Reply::ok(json{{"items", std::move(items)},
                        {"total", static_cast<int64_t>(hooks_.size())},
                        {"page", page},
                        {"per_page", per_page}});
}

Reply WebhookService::get(int64_t id) {
  std::lock_guard lock(mu_);
  if (hooks_.count(id) == 0) return notFound(id);
  return Reply::ok(view_locked(id));
}

Reply WebhookService::create(const json& body) {
  std::vector<FieldError> errors;
  auto doc = parseWebhookDoc(body, errors);
  if (!doc) return invalid(std::move(errors));
  std::lock_guard lock(mu_);
  if (!db_) return Reply::fail(503, "Unavailable", "webhooks are not started");
  auto rec = store::WebhookStore(*db_).create(toRecord(0, *doc));
  if (!rec) return storeFailure(rec.error());
  Entry e{std::move(*doc), rec->created_ms, rec->updated_ms, nullptr};
  e.worker = makeWorker(rec->id, e.doc);
  hooks_[rec->id] = std::move(e);
  spdlog::info("webhook {} created", rec->id);
  Reply out = Reply::ok(view_locked(rec->id), 201);
  out.location = fmt::format("/api/v1/webhooks/{}", rec->id);
  return out;
}

Reply WebhookService::replace(int64_t id, const json& body) {
  std::lock_guard lock(mu_);
  if (hooks_.count(id) == 0) return notFound(id);
  std::vector<FieldError> errors;
  auto doc = parseWebhookDoc(body, errors);
  if (!doc) return invalid(std::move(errors));
  return apply_locked(id, std::move(*doc));
}

Reply WebhookService::patch(int64_t id, const json& patch) {
  std::lock_guard lock(mu_);
  if (hooks_.count(id) == 0) return notFound(id);
  if (!patch.is_object()) return invalid({{"body", "a merge patch must be a JSON object"}});
  json full = webhookFullDocument(hooks_.at(id).doc);
  mergePatch(full, patch);
  std::vector<FieldError> errors;
  auto doc = parseWebhookDoc(full, errors);
  if (!doc) return invalid(std::move(errors));
  return apply_locked(id, std::move(*doc));
}

Reply WebhookService::apply_locked(int64_t id, WebhookDoc doc) {
  auto rec = store::WebhookStore(*db_).update(toRecord(id, doc));
  if (!rec) return storeFailure(rec.error());
  Entry& h = hooks_.at(id);
  h.doc = std::move(doc);
  h.updated_ms = rec->updated_ms;
  h.worker->retarget(targetOf(h.doc));
  spdlog::info("webhook {} changed", id);
  return Reply::ok(view_locked(id));
}

Reply WebhookService::remove(int64_t id) {
  std::unique_ptr<WebhookWorker> gone;
  {
    std::lock_guard lock(mu_);
    if (hooks_.count(id) == 0) return notFound(id);
    if (auto r = store::WebhookStore(*db_).remove(id); !r) return storeFailure(r.error());
    gone = std::move(hooks_.at(id).worker);
    hooks_.erase(id);
  }
  // Joined outside the lock: the events thread must not wait for a delivery to stop.
  gone.reset();
  spdlog::info("webhook {} deleted", id);
  return Reply::ok(json(), 204);
}

Reply WebhookService::deliveries(int64_t id, int64_t page, int64_t per_page) {
  std::lock_guard lock(mu_);
  if (hooks_.count(id) == 0) return notFound(id);
  size_t total = 0;
  json items = hooks_.at(id).worker->log(static_cast<size_t>((page - 1) * per_page),
                                         static_cast<size_t>(per_page), total);
  return Reply::ok(json{{"items", std::move(items)},
                        {"total", static_cast<int64_t>(total)},
                        {"page", page},
                        {"per_page", per_page}});
}

}  // namespace srtgw::control
