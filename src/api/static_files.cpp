#include "api/static_files.hpp"

#include <sys/stat.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api/router.hpp"

namespace srtgw::api {
namespace {

// Bigger files are not part of a console build; refusing them keeps a mistake from
// pulling a huge file into memory on an HTTP thread.
constexpr off_t kMaxFileBytes = 32 << 20;

// Every console response carries these: the console loads nothing from elsewhere, is never
// framed, and its WebSocket goes back to the same origin.
const std::pair<std::string, std::string> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

std::string realPath(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) {
    return {};
  }
  return buf;
}

std::string lower(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

HttpResponse withSecurityHeaders(HttpResponse res) {
  for (const auto& h : kSecurityHeaders) {
    res.headers.push_back(h);
  }
  return res;
}

// A decoded request path that could leave the root or confuse the file system.
bool isSuspicious(const HttpRequest& req) {
  const std::string& p = req.path;
  if (p.empty() || p[0] != '/' || p.find('\0') != std::string::npos ||
      p.find('\\') != std::string::npos) {
    return true;
  }
  // Encoded dots and slashes are decoded once by the server; a second layer is an attack.
  const std::string raw = lower(req.target.substr(0, req.target.find('?')));
  for (const char* bad : {"%2e", "%2f", "%5c", "%00", "%25"}) {
    if (raw.find(bad) != std::string::npos || lower(p).find(bad) != std::string::npos) {
      return true;
    }
  }
  size_t pos = 1;
  while (pos <= p.size()) {
    size_t slash = p.find('/', pos);
    const std::string seg = p.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (seg == "." || seg == "..") {
      return true;
    }
    if (slash == std::string::npos) {
      break;
    }
    pos = slash + 1;
  }
  return false;
}

}  // namespace

bool isConsolePath(const std::string& path) {
  return !(path == "/api" || path.rfind("/api/", 0) == 0);
}

std::string contentTypeFor(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  const std::string n = lower(name);
  for (const auto& [ext, type] : kTypes) {
    const std::string e(ext);
    if (n.size() > e.size() && n.compare(n.size() - e.size(), e.size(), e) == 0) {
      return type;
    }
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const std::string& root) {
  root_ = realPath(root);
  if (root_.empty()) {
    root_ = root;
    return;
  }
  struct stat st {};
  available_ = ::stat((root_ + "/index.html").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

HttpResponse StaticFiles::file(const std::string& path, bool immutable) const {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in) {
    return withSecurityHeaders(problem(404, "Not Found", "no such file"));
  }
  HttpResponse res{200, contentTypeFor(path), std::move(body).str(), {}};
  res.headers.emplace_back("Cache-Control",
                           immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return withSecurityHeaders(std::move(res));
}

HttpResponse StaticFiles::serve(const HttpRequest& req) const {
  if (req.method != "GET" && req.method != "HEAD") {
    auto res = problem(405, "Method Not Allowed", req.method + " is not allowed on " + req.path +
                                                      " (allowed: GET, HEAD)");
    res.headers.emplace_back("Allow", "GET, HEAD");
    return withSecurityHeaders(std::move(res));
  }
  if (isSuspicious(req)) {
    return withSecurityHeaders(problem(400, "Bad Request", "invalid path"));
  }
  if (!available_) {
    return withSecurityHeaders(problem(
        404, "Not Found",
        "the web console is not installed (no index.html in " + root_ +
            "; build it with `make build` or set --web-dir)"));
  }
  // Hashed build output: a missing one is a real 404, never index.html (a browser would try
  // to run HTML as a script).
  const bool asset = req.path.rfind("/assets/", 0) == 0;
  if (req.path != "/") {
    const std::string resolved = realPath(root_ + req.path);
    struct stat st {};
    if (!resolved.empty()) {
      // A symlink (or anything else) that leads out of the root is not ours to serve.
      if (resolved.rfind(root_ + "/", 0) != 0) {
        return withSecurityHeaders(problem(404, "Not Found", "no such file"));
      }
      if (::stat(resolved.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        if (st.st_size > kMaxFileBytes) {
          return withSecurityHeaders(problem(404, "Not Found", "no such file"));
        }
        return file(resolved, asset);
      }
    }
    if (asset) {
      return withSecurityHeaders(problem(404, "Not Found", "no such file: " + req.path));
    }
  }
  return file(root_ + "/index.html", false);
}

}  // namespace srtgw::api
