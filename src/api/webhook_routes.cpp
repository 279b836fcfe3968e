#include "api/webhook_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "api/http_helpers.hpp"
#include "control/webhook_service.hpp"

namespace srtgw::api {
namespace {

using control::Reply;
using control::WebhookService;
using nlohmann::json;

}  // namespace

void addWebhookRoutes(Router& r, WebhookService* s) {
  const std::string base = "/api/v1/webhooks";
  const std::string one = base + "/{id}";
  auto id_of = [](const PathParams& p) { return parseId(p); };

  r.add("GET", base, [s](const HttpRequest& req, const PathParams&) {
    auto page = parsePage(req, 50);
    if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
    const auto& p = std::get<PageArgs>(page);
    return toResponse(s->list(p.page, p.per_page));
  });
  r.add("POST", base, [s](const HttpRequest& req, const PathParams&) {
    auto body = parseBody(req, false);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    return toResponse(s->create(std::get<json>(body)));
  });
  r.add("GET", one, [s, id_of](const HttpRequest& req, const PathParams& p) {
    auto id = id_of(p);
    if (!id) return noSuchResource(req);
    return toResponse(s->get(*id));
  });
  for (const char* method : {"PUT", "PATCH"}) {
    const bool merge = std::string(method) == "PATCH";
    r.add(method, one, [s, id_of, merge](const HttpRequest& req, const PathParams& p) {
      auto id = id_of(p);
      if (!id) return noSuchResource(req);
      auto body = parseBody(req, merge);
      if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
      const auto& b = std::get<json>(body);
      return toResponse(merge ? s->patch(*id, b) : s->replace(*id, b));
    });
  }
  r.add("DELETE", one, [s, id_of](const HttpRequest& req, const PathParams& p) {
    auto id = id_of(p);
    if (!id) return noSuchResource(req);
    return toResponse(s->remove(*id));
  });
  r.add("GET", one + "/deliveries", [s, id_of](const HttpRequest& req, const PathParams& p) {
    auto id = id_of(p);
    if (!id) return noSuchResource(req);
    auto page = parsePage(req, 100);
    if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
    const auto& pg = std::get<PageArgs>(page);
    return toResponse(s->deliveries(*id, pg.page, pg.per_page));
  });
}

}  // namespace srtgw::api
