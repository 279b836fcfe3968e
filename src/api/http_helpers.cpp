#include "api/http_helpers.hpp"

#include <charconv>

namespace srtgw::api {

using nlohmann::json;

HttpResponse toResponse(const control::Reply& r) {
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
    out.body = r.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (!r.location.empty()) {
    out.headers.emplace_back("Location", r.location);
  }
  return out;
}

std::optional<int64_t> parseWholeNumber(const std::string& s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> parseId(const PathParams& p) {
  return parseWholeNumber(p.at("id"), 1, INT64_MAX);
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

std::variant<PageArgs, HttpResponse> parsePage(const HttpRequest& req, int64_t default_per_page) {
  PageArgs p;
  p.per_page = default_per_page;
  if (auto it = req.query.find("page"); it != req.query.end()) {
    auto v = parseWholeNumber(it->second, 1, 1'000'000);
    if (!v) {
      return problem(400, "Invalid request", "page must be a whole number from 1",
                     {{"page", "must be a whole number from 1"}});
    }
    p.page = *v;
  }
  if (auto it = req.query.find("per_page"); it != req.query.end()) {
    auto v = parseWholeNumber(it->second, 1, 1000);
    if (!v) {
      return problem(400, "Invalid request", "per_page must be between 1 and 1000",
                     {{"per_page", "must be between 1 and 1000"}});
    }
    p.per_page = *v;
  }
  return p;
}

}  // namespace srtgw::api
