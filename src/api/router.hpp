#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and {name} parameters:
// "/api/v1/inputs/{id}/stats". Unknown path -> 404, known path with another method -> 405
// with an Allow header.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"

namespace srtgw::api {

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  RouteHandler handler;
};

class Router {
 public:
  void add(std::string method, const std::string& pattern, RouteHandler handler);
  /// Any HTTP thread (the table is fixed after start-up).
  HttpResponse dispatch(const HttpRequest& req) const;
  /// Every (method, pattern), for the OpenAPI consistency check.
  std::vector<std::pair<std::string, std::string>> routes() const;
  /// The pattern of the route that serves (method, path), if any.
  std::optional<std::string> patternFor(const std::string& method, const std::string& path) const;
  /// True when some route's pattern matches the path (any method).
  bool knows(const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

/// application/problem+json with a list of field errors (RFC 7807 shape).
struct FieldError {
  std::string field;
  std::string message;
};
HttpResponse problem(int status, const std::string& title, const std::string& detail,
                     const std::vector<FieldError>& errors = {});
HttpResponse jsonResponse(int status, const std::string& body);

}  // namespace srtgw::api
