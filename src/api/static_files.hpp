#pragma once
// The web console's built files (web/ -> build/web/), served read-only at "/". Requests under
// /api/ never come here; any other path that names no file gets index.html so that the
// console's own routes (/inputs/3, /events) survive a reload.

#include <string>

#include "api/http_types.hpp"

namespace srtgw::api {

class StaticFiles {
 public:
  /// `root` is the directory holding index.html; it may be missing (the console is not built).
  explicit StaticFiles(const std::string& root);

  /// True when the root exists and holds index.html.
  bool available() const { return available_; }
  /// The canonical root, or the configured one when it does not exist.
  const std::string& root() const { return root_; }

  /// Any HTTP thread. GET/HEAD only (405 otherwise); "..", encoded dots, NUL and backslashes
  /// are 400; a file that resolves outside the root (symlink) is 404.
  HttpResponse serve(const HttpRequest& req) const;

 private:
  HttpResponse file(const std::string& path, bool immutable) const;

  std::string root_;
  bool available_ = false;
};

/// True for paths the console answers: everything outside /api/ (and /api itself).
bool isConsolePath(const std::string& path);

/// The Content-Type for a file name, by extension ("application/octet-stream" when unknown).
std::string contentTypeFor(const std::string& name);

}  // namespace srtgw::api
