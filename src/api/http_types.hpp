#pragma once
// HTTP request and response as the API's handlers see them: plain data, no Beast types.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace srtgw::api {

// Who sent a request, filled in by the AuthGate once the credentials are checked.
struct Caller {
  bool authenticated = false;
  int64_t user_id = 0;   // 0 for an API token
  std::string name;      // user name, or "token:<name>"
  int role = 0;          // control::Role as a number (1 viewer, 2 operator, 3 admin)
  bool session = false;  // a login session rather than an API token
  std::string csrf;      // the session's CSRF token
  std::string token_hash;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path, without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string peer;  // remote address:port
  bool tls = false;  // arrived over TLS
  Caller caller;

  /// A header by lower-case name, or "" when absent.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace srtgw::api
