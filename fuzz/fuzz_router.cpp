// Fuzz target: HTTP routing as the server does it: the request target split and
// percent-decoded (api/url_decode.cpp), then dispatched (api/router.cpp) over every
// (method, path) of docs/openapi.json, with handlers that read their arguments as the real
// ones do (api/http_helpers.cpp: {id} -> 404 when not a positive integer, page/per_page).
// The input is a request line: "METHOD TARGET".
// Properties: never throws or crashes; the answer is the handler's, 404 or 405 (with an
// Allow header); every problem body is valid JSON; Router::knows agrees with dispatch;
// decodePercent never grows its input and undoes percent-encoding exactly.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/http_helpers.hpp"
#include "api/router.hpp"
#include "api/url_decode.hpp"

namespace srtgw::api {
const char* openApiJson();
}

namespace {

using namespace srtgw::api;
using nlohmann::json;

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

bool handled = false;  // set by every handler: dispatch reached a route

HttpResponse handle(const HttpRequest& req, const PathParams& params) {
  handled = true;
  for (const auto& [name, value] : params) {
    check(!name.empty() && !value.empty());
  }
  if (params.count("id") != 0 && !parseId(params)) {
    return noSuchResource(req);
  }
  if (req.method == "GET") {
    auto page = parsePage(req);
    if (auto* err = std::get_if<HttpResponse>(&page)) {
      return *err;
    }
  }
  return jsonResponse(200, "{}");
}

const Router& router() {
  static const Router r = [] {
    Router out;
    const json doc = json::parse(openApiJson());
    for (const auto& [path, item] : doc["paths"].items()) {
      for (const auto& [method, op] : item.items()) {
        if (method == "parameters") {
          continue;
        }
        std::string m = method;
        for (auto& c : m) {
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out.add(m, path, handle);
      }
    }
    return out;
  }();
  return r;
}

std::string percentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return 0;
  }
  HttpRequest req;
  req.method = std::string(line.substr(0, space));
  req.target = std::string(line.substr(space + 1));
  splitTarget(req.target, req.path, req.query);

  check(decodePercent(req.target, true).size() <= req.target.size());
  check(decodePercent(percentEncode(req.target), false) == req.target);

  handled = false;
  const HttpResponse res = router().dispatch(req);
  check(router().knows(req.path) == (handled || res.status == 405));
  if (handled) {
    check(res.status == 200 || res.status == 400 || res.status == 404);
  } else {
    check(res.status == 404 || res.status == 405);
  }
  if (res.status == 405) {
    check(!res.headers.empty() && res.headers[0].first == "Allow");
  }
  if (res.status != 200) {
    check(res.content_type == "application/problem+json");
    const json body = json::parse(res.body, nullptr, false);
    check(body.is_object() && body["status"] == res.status);
  }
  return 0;
}
