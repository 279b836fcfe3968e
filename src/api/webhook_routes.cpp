#include "api/webhook_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "control/webhook_service.hpp"

namespace srtgw::api {
namespace {

using control::Reply;
using control::WebhookService;
using nlohmann::json;

// The same HTTP conventions as rest_routes.cpp (problem+json, 415, page/per_page).
HttpResponse toResponse(const Reply& r) {
  if (r.status >= 400) {
    std::vector<FieldError> errors;
    for (const auto& e : r.errors) {
      errors.push_back({e.field, e.message});
    }
    return problem(r.status, r.title, r.detail, errors);
  }
  HttpResponse out;
  out.status = r.status;
  if (r.status == 204) {
    out.content_type.clear();
  } else {
    out.body = r.body.dump();
  }
  if (!r.location.empty()) {
    out.headers.emplace_back("Location", r.location);
  }
  return out;
}

std::optional<int64_t> number(const std::string& s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) {
    return std::nullopt;
  }
  return v;
}

HttpResponse noSuchResource(const HttpRequest& req) {
  return problem(404, "Not Found", "no such resource: " + req.path);
}

std::variant<json, HttpResponse> parseBody(const HttpRequest& req, bool merge_patch) {
  std::string ct = req.header("content-type");
  std::string media = ct.substr(0, ct.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool ok_type =
      media == "application/json" || (merge_patch && media == "application/merge-patch+json");
  if (!ok_type) {
    return problem(415, "Unsupported Media Type",
                   merge_patch ? "send application/json or application/merge-patch+json"
                               : "send application/json");
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    return problem(400, "Invalid request", "the body is not valid JSON",
                   {{"body", "not valid JSON"}});
  }
  return body;
}

struct PageArgs {
  int64_t page = 1;
  int64_t per_page = 50;
};

std::variant<PageArgs, HttpResponse> parsePage(const HttpRequest& req, int64_t default_per_page) {
  PageArgs p;
  p.per_page = default_per_page;
  if (auto it = req.query.find("page"); it != req.query.end()) {
    auto v = number(it->second, 1, 1'000'000);
    if (!v) {
      return problem(400, "Invalid request", "page must be a whole number from 1",
                     {{"page", "must be a whole number from 1"}});
    }
    p.page = *v;
  }
  if (auto it = req.query.find("per_page"); it != req.query.end()) {
    auto v = number(it->second, 1, 1000);
    if (!v) {
      return problem(400, "Invalid request", "per_page must be between 1 and 1000",
                     {{"per_page", "must be between 1 and 1000"}});
    }
    p.per_page = *v;
  }
  return p;
}

}  // namespace

void addWebhookRoutes(Router& r, WebhookService* s) {
  const std::string base = "/api/v1/webhooks";
  const std::string one = base + "/{id}";
  auto id_of = [](const PathParams& p) { return number(p.at("id"), 1, INT64_MAX); };

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
