#pragma once
// The API's HTTP conventions, shared by every route table: control-plane replies as
// responses (problem+json for errors), JSON bodies (415 for another media type, 400 for
// bad JSON), `page`/`per_page`, and positive integer ids.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "api/router.hpp"
#include "control/reply.hpp"

namespace srtgw::api {

struct PageArgs {
  int64_t page = 1;
  int64_t per_page = 50;
};

HttpResponse toResponse(const control::Reply& r);
/// A whole number in [lo, hi] written exactly (no sign games, no trailing bytes).
std::optional<int64_t> parseWholeNumber(const std::string& s, int64_t lo, int64_t hi);
/// The {id} path parameter: a positive integer, or nothing (which names no resource: 404).
std::optional<int64_t> parseId(const PathParams& p);
HttpResponse noSuchResource(const HttpRequest& req);
/// The body of a write: application/json (or merge-patch+json for PATCH), parsed without
/// exceptions.
std::variant<nlohmann::json, HttpResponse> parseBody(const HttpRequest& req, bool merge_patch);
std::variant<PageArgs, HttpResponse> parsePage(const HttpRequest& req, int64_t default_per_page = 50);

}  // namespace srtgw::api
