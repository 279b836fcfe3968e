#include "api/router.hpp"

#include <nlohmann/json.hpp>

namespace srtgw::api {
namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 1;
  if (path.empty() || path[0] != '/') {
    return out;
  }
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    out.push_back(path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) {
      break;
    }
    pos = slash + 1;
  }
  // "/a/b/" is "/a/b".
  if (!out.empty() && out.back().empty() && out.size() > 1) {
    out.pop_back();
  }
  return out;
}

bool match(const Route& r, const std::vector<std::string>& parts, PathParams& params) {
  if (r.segments.size() != parts.size()) {
    return false;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = r.segments[i];
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      if (parts[i].empty()) {
        return false;
      }
      params[seg.substr(1, seg.size() - 2)] = parts[i];
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string method, const std::string& pattern, RouteHandler handler) {
  routes_.push_back(Route{std::move(method), pattern, split(pattern), std::move(handler)});
}

HttpResponse Router::dispatch(const HttpRequest& req) const {
  const auto parts = split(req.path);
  std::string allow;
  for (const auto& r : routes_) {
    PathParams params;
    if (!match(r, parts, params)) {
      continue;
    }
    if (r.method == req.method) {
      return r.handler(req, params);
    }
    allow += (allow.empty() ? "" : ", ") + r.method;
  }
  if (!allow.empty()) {
    auto res = problem(405, "Method Not Allowed",
                       req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")");
    res.headers.emplace_back("Allow", allow);
    return res;
  }
  return problem(404, "Not Found", "no such resource: " + req.path);
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) {
    out.emplace_back(r.method, r.pattern);
  }
  return out;
}

std::optional<std::string> Router::patternFor(const std::string& method, const std::string& path) const {
  const auto parts = split(path);
  for (const auto& r : routes_) {
    PathParams params;
    if (r.method == method && match(r, parts, params)) {
      return r.pattern;
    }
  }
  return std::nullopt;
}

bool Router::knows(const std::string& path) const {
  const auto parts = split(path);
  for (const auto& r : routes_) {
    PathParams params;
    if (match(r, parts, params)) {
      return true;
    }
  }
  return false;
}

HttpResponse problem(int status, const std::string& title, const std::string& detail,
                     const std::vector<FieldError>& errors) {
  nlohmann::json j{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  if (!errors.empty()) {
    auto arr = nlohmann::json::array();
    for (const auto& e : errors) {
      arr.push_back({{"field", e.field}, {"message", e.message}});
    }
    j["errors"] = std::move(arr);
  }
  // The detail may quote a request path that is not UTF-8 (/%ff): replace such bytes rather
  // than throw, which would turn a 404 into a 500.
  return HttpResponse{status, "application/problem+json",
                      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

HttpResponse jsonResponse(int status, const std::string& body) {
  return HttpResponse{status, "application/json", body, {}};
}

}  // namespace srtgw::api
