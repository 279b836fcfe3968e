// The console's static files: types, caching, the SPA fallback, and every way out of the root
// that a request might try (.., encoded dots, NUL, backslashes, symlinks).

#include "api/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace srtgw::api {
namespace {

namespace fs = std::filesystem;

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("srtgw-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "web" / "assets");
    fs::create_directories(base_ / "webx");  // a sibling whose name starts like the root
    write(base_ / "web" / "index.html", "<!doctype html><title>srtgw</title>");
    write(base_ / "web" / "assets" / "index-Ab12Cd.js", "console.log(1)");
    write(base_ / "web" / "assets" / "index-Ab12Cd.css", "body{}");
    write(base_ / "web" / "favicon.svg", "<svg/>");
    write(base_ / "secret.txt", "top secret");
    write(base_ / "webx" / "other.txt", "not yours");
    fs::create_symlink(base_ / "secret.txt", base_ / "web" / "leak.txt");
    fs::create_symlink(base_ / "webx", base_ / "web" / "sibling");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  HttpResponse get(const std::string& target, const std::string& method = "GET") {
    StaticFiles files((base_ / "web").string());
    HttpRequest req;
    req.method = method;
    req.target = target;
    // What the server does: percent-decode the path once.
    std::string path = target.substr(0, target.find('?'));
    std::string decoded;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '%' && i + 2 < path.size()) {
        decoded.push_back(static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        decoded.push_back(path[i]);
      }
    }
    req.path = decoded;
    return files.serve(req);
  }

  fs::path base_;
};

TEST_F(StaticFilesTest, RootIsIndexHtmlNotCachedWithSecurityHeaders) {
  auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<title>srtgw</title>"), std::string::npos);
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_NE(header(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_NE(header(r, "Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirTypes) {
  auto js = get("/assets/index-Ab12Cd.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_NE(header(js, "Cache-Control").find("immutable"), std::string::npos);
  auto css = get("/assets/index-Ab12Cd.css?v=1");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  auto svg = get("/favicon.svg");
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_EQ(header(svg, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, UnknownConsoleRoutesGetIndexHtmlButMissingAssetsAre404) {
  for (const char* route : {"/inputs/3", "/inputs/3/edit", "/events", "/system?x=1"}) {
    auto r = get(route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_NE(r.body.find("<title>srtgw</title>"), std::string::npos) << route;
  }
  auto missing = get("/assets/gone-123.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
}

TEST_F(StaticFilesTest, TraversalAttemptsAreRefused) {
  for (const char* target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/%252e%252e/secret.txt", "/..%2fsecret.txt",
        "/..%5csecret.txt", "/assets%00.js", "/a\\..\\secret.txt", "/./index.html"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << target;
  }
}

TEST_F(StaticFilesTest, SymlinksOutOfTheRootAre404) {
  auto leak = get("/leak.txt");
  EXPECT_EQ(leak.status, 404);
  EXPECT_EQ(leak.body.find("top secret"), std::string::npos);
  auto sibling = get("/sibling/other.txt");
  EXPECT_EQ(sibling.status, 404);
  EXPECT_EQ(sibling.body.find("not yours"), std::string::npos);
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  EXPECT_EQ(get("/", "HEAD").status, 200);
  auto post = get("/", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(header(post, "Allow"), "GET, HEAD");
  EXPECT_EQ(get("/index.html", "DELETE").status, 405);
}

TEST_F(StaticFilesTest, AMissingRootSaysSo) {
  StaticFiles files((base_ / "nowhere").string());
  EXPECT_FALSE(files.available());
  HttpRequest req{"GET", "/", "/", {}, {}, "", ""};
  auto r = files.serve(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("not installed"), std::string::npos);
}

TEST(StaticFilesPaths, ApiPathsAreNeverTheConsoles) {
  EXPECT_FALSE(isConsolePath("/api"));
  EXPECT_FALSE(isConsolePath("/api/"));
  EXPECT_FALSE(isConsolePath("/api/v1/nothing"));
  EXPECT_TRUE(isConsolePath("/"));
  EXPECT_TRUE(isConsolePath("/apis"));
  EXPECT_TRUE(isConsolePath("/inputs/1"));
}

TEST(StaticFilesPaths, ContentTypes) {
  EXPECT_EQ(contentTypeFor("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(contentTypeFor("x.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("x.json"), "application/json");
  EXPECT_EQ(contentTypeFor("x.png"), "image/png");
  EXPECT_EQ(contentTypeFor("noext"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor(".js"), "application/octet-stream");
}

}  // namespace
}  // namespace srtgw::api
