#include "api/rest_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "api/http_helpers.hpp"
#include "control/event_bus.hpp"
#include "control/stream_service.hpp"
#include "api/ws_hub.hpp"

namespace srtgw::api {
namespace {

using nlohmann::json;
using control::Reply;
using control::StreamService;

using IdHandler = std::function<Reply(int64_t)>;

RouteHandler withId(IdHandler h) {
  return [h = std::move(h)](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) {
      return noSuchResource(req);
    }
    return toResponse(h(*id));
  };
}

RouteHandler withIdAndBody(std::function<Reply(int64_t, const json&)> h, bool merge_patch) {
  return [h = std::move(h), merge_patch](const HttpRequest& req, const PathParams& p) {
    auto id = parseId(p);
    if (!id) {
      return noSuchResource(req);
    }
    auto body = parseBody(req, merge_patch);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    return toResponse(h(*id, std::get<json>(body)));
  };
}

RouteHandler withBody(std::function<Reply(const json&)> h) {
  return [h = std::move(h)](const HttpRequest& req, const PathParams&) {
    auto body = parseBody(req, false);
    if (auto* err = std::get_if<HttpResponse>(&body)) return *err;
    return toResponse(h(std::get<json>(body)));
  };
}

RouteHandler withPage(std::function<Reply(const control::Page&)> h) {
  return [h = std::move(h)](const HttpRequest& req, const PathParams&) {
    auto page = parsePage(req);
    if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
    const auto& pa = std::get<PageArgs>(page);
    return toResponse(h(control::Page{pa.page, pa.per_page}));
  };
}

void addStreamRoutes(Router& r, StreamService* s, const std::string& base, bool inputs) {
  using namespace std::placeholders;
  const std::string one = base + "/{id}";
  if (inputs) {
    r.add("GET", base, withPage([s](const control::Page& p) { return s->listInputs(p); }));
    r.add("POST", base, withBody([s](const json& b) { return s->createInput(b); }));
    r.add("GET", one, withId([s](int64_t id) { return s->getInput(id); }));
    r.add("PUT", one, withIdAndBody([s](int64_t id, const json& b) { return s->replaceInput(id, b); }, false));
    r.add("PATCH", one, withIdAndBody([s](int64_t id, const json& b) { return s->patchInput(id, b); }, true));
    r.add("DELETE", one, withId([s](int64_t id) { return s->deleteInput(id); }));
    for (const char* action : {"start", "stop", "restart"}) {
      r.add("POST", one + "/" + action,
            withId([s, a = std::string(action)](int64_t id) { return s->inputAction(id, a); }));
    }
    r.add("GET", one + "/stats", withId([s](int64_t id) { return s->inputStats(id); }));
    r.add("GET", one + "/analysis", withId([s](int64_t id) { return s->inputAnalysis(id); }));
    r.add("POST", one + "/analysis/reset", withId([s](int64_t id) { return s->resetInputAnalysis(id); }));
    r.add("GET", one + "/outputs", [s](const HttpRequest& req, const PathParams& p) {
      auto id = parseId(p);
      if (!id) return noSuchResource(req);
      auto page = parsePage(req);
      if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
      const auto& pa = std::get<PageArgs>(page);
      return toResponse(s->outputsOf(*id, control::Page{pa.page, pa.per_page}));
    });
  } else {
    r.add("GET", base, withPage([s](const control::Page& p) { return s->listOutputs(p); }));
    r.add("POST", base, withBody([s](const json& b) { return s->createOutput(b); }));
    r.add("GET", one, withId([s](int64_t id) { return s->getOutput(id); }));
    r.add("PUT", one, withIdAndBody([s](int64_t id, const json& b) { return s->replaceOutput(id, b); }, false));
    r.add("PATCH", one, withIdAndBody([s](int64_t id, const json& b) { return s->patchOutput(id, b); }, true));
    r.add("DELETE", one, withId([s](int64_t id) { return s->deleteOutput(id); }));
    for (const char* action : {"start", "stop", "restart"}) {
      r.add("POST", one + "/" + action,
            withId([s, a = std::string(action)](int64_t id) { return s->outputAction(id, a); }));
    }
    r.add("GET", one + "/stats", withId([s](int64_t id) { return s->outputStats(id); }));
  }
}

// GET /api/v1/events?type=&input=&output=&since=&page=&per_page=
HttpResponse listEvents(control::EventBus* bus, const HttpRequest& req) {
  auto page = parsePage(req);
  if (auto* err = std::get_if<HttpResponse>(&page)) return *err;
  const auto& p = std::get<PageArgs>(page);
  store::EventQuery q;
  q.limit = p.per_page;
  q.offset = (p.page - 1) * p.per_page;
  auto number = [&](const char* key, int64_t& out) -> bool {
    auto it = req.query.find(key);
    if (it == req.query.end()) return true;
    const auto& v = it->second;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return !v.empty() && ec == std::errc() && ptr == v.data() + v.size() && out >= 0;
  };
  for (auto [key, dst] : {std::pair{"input", &q.input_id}, std::pair{"output", &q.output_id},
                          std::pair{"since", &q.since_ms}, std::pair{"after", &q.after_id}}) {
    if (!number(key, *dst)) {
      return problem(400, "Invalid request", std::string(key) + " must be a whole number",
                     {{key, "must be a whole number"}});
    }
  }
  if (auto it = req.query.find("type"); it != req.query.end()) {
    if (it->second.size() > 64 ||
        it->second.find_first_not_of("abcdefghijklmnopqrstuvwxyz._") != std::string::npos) {
      return problem(400, "Invalid request", "type must be an event type such as input.state",
                     {{"type", "must be an event type such as input.state or a prefix like client."}});
    }
    q.type = it->second;
  }
  int64_t total = 0;
  auto rows = bus->query(q, total);
  if (!rows) {
    return problem(500, "Event log unavailable", "the event log could not be read");
  }
  json items = json::array();
  for (const auto& e : *rows) {
    items.push_back(control::toJson(e));
  }
  return jsonResponse(200, json{{"items", std::move(items)}, {"total", total}, {"page", p.page},
                               {"per_page", p.per_page}}
                               .dump());
}

}  // namespace

void addRestRoutes(Router& r, StreamService* s, control::EventBus* events, WsHub* hub) {
  r.add("GET", "/api/v1/events",
        [events](const HttpRequest& req, const PathParams&) { return listEvents(events, req); });
  addStreamRoutes(r, s, "/api/v1/inputs", true);
  addStreamRoutes(r, s, "/api/v1/outputs", false);
  r.add("GET", "/api/v1/status", [s](const HttpRequest&, const PathParams&) {
    return toResponse(s->status());
  });
  r.add("GET", "/api/v1/openapi.json", [](const HttpRequest&, const PathParams&) {
    return jsonResponse(200, openApiJson());
  });
  r.add("GET", "/api/v1/ws", [](const HttpRequest&, const PathParams&) {
    auto res = problem(426, "Upgrade Required",
                       "this is the WebSocket feed: connect with a WebSocket client");
    res.headers.emplace_back("Upgrade", "websocket");
    return res;
  });
  r.add("GET", "/metrics", [s, hub](const HttpRequest&, const PathParams&) {
    control::MetricsContext extra;
    if (hub != nullptr) {
      extra.feed_clients = static_cast<int64_t>(hub->clients());
      extra.feed_dropped = static_cast<int64_t>(hub->dropped());
    }
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", s->metrics(extra), {}};
  });
  r.add("GET", "/healthz", [](const HttpRequest&, const PathParams&) {
    return jsonResponse(200, R"({"status":"ok"})");
  });
}

}  // namespace srtgw::api
