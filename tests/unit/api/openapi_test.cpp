// The OpenAPI document and the route table describe the same API: a route missing from the
// file, or a path in the file that no route serves, fails here.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "api/auth_routes.hpp"
#include "api/rest_routes.hpp"
#include "api/url_decode.hpp"
#include "api/webhook_routes.hpp"

namespace srtgw::api {
namespace {

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  Router router;
  addRestRoutes(router, nullptr, nullptr, nullptr);
  addWebhookRoutes(router, nullptr);
  addAuthRoutes(router, nullptr, {});
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, pattern] : router.routes()) {
    served.insert({method, pattern});
  }
  auto doc = nlohmann::json::parse(openApiJson(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "docs/openapi.json is not valid JSON";
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert({m, path});
      EXPECT_TRUE(op.contains("responses")) << m << " " << path;
    }
  }
  for (const auto& r : served) {
    EXPECT_TRUE(documented.count(r)) << "route not in docs/openapi.json: " << r.first << " " << r.second;
  }
  for (const auto& d : documented) {
    EXPECT_TRUE(served.count(d)) << "documented but not served: " << d.first << " " << d.second;
  }
}

TEST(OpenApi, SchemasReferencedExist) {
  auto doc = nlohmann::json::parse(openApiJson());
  std::string text = doc.dump();
  const std::string prefix = "#/components/schemas/";
  for (size_t pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
    size_t end = text.find('"', pos);
    std::string name = text.substr(pos + prefix.size(), end - pos - prefix.size());
    EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
  }
}

TEST(Router, MatchesParamsAndAnswers404And405) {
  Router r;
  r.add("GET", "/a/{id}/b", [](const HttpRequest&, const PathParams& p) {
    return jsonResponse(200, "\"" + p.at("id") + "\"");
  });
  HttpRequest req;
  req.method = "GET";
  req.path = "/a/42/b";
  EXPECT_EQ(r.dispatch(req).body, "\"42\"");
  req.path = "/a/42/b/";
  EXPECT_EQ(r.dispatch(req).status, 200) << "a trailing slash is the same resource";
  req.path = "/a//b";
  EXPECT_EQ(r.dispatch(req).status, 404);
  req.path = "/a/42";
  EXPECT_EQ(r.dispatch(req).status, 404);
  req.method = "POST";
  req.path = "/a/1/b";
  auto res = r.dispatch(req);
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].second, "GET");
}

// Found by fuzz/fuzz_router.cpp: a path that is not UTF-8 once decoded (GET /%ff) made the
// 404 problem body throw in json::dump, so the server answered 500 and logged an error.
TEST(Router, APathThatIsNotUtf8GetsA404NotA500) {
  Router r;
  r.add("GET", "/a/{id}", [](const HttpRequest& req, const PathParams&) {
    return problem(404, "Not Found", "no such resource: " + req.path);
  });
  HttpRequest req;
  req.method = "GET";
  for (const char* path : {"/\xff", "/a/\xc8\x92\x9a", "/a/\xc3"}) {
    req.path = path;
    HttpResponse res;
    ASSERT_NO_THROW(res = r.dispatch(req)) << path;
    EXPECT_EQ(res.status, 404) << path;
    auto body = nlohmann::json::parse(res.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << res.body;
    EXPECT_EQ(body["status"], 404);
  }
  req.method = "POST";
  req.path = "/a/\xff";
  EXPECT_EQ(r.dispatch(req).status, 405);
}

TEST(UrlDecode, SplitsAndDecodesTheTarget) {
  std::string path;
  std::map<std::string, std::string> query;
  splitTarget("/api/v1/a%20b%2Fc?x=1+2&flag&&y=%41%4&x=3", path, query);
  EXPECT_EQ(path, "/api/v1/a b/c");
  EXPECT_EQ(query.size(), 3u);
  EXPECT_EQ(query["x"], "3");
  EXPECT_EQ(query["flag"], "");
  EXPECT_EQ(query["y"], "A%4");
  EXPECT_EQ(decodePercent("a+b%", false), "a+b%");
  EXPECT_EQ(decodePercent("%zz%2", true), "%zz%2");
}

}  // namespace
}  // namespace srtgw::api
