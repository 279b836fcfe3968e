#pragma once
// A minimal HTTP/1.1 client for tests: one connection per request, raw bytes allowed, so
// malformed and hostile requests can be sent as they are.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace srtgw::test {

struct HttpResult {
  int status = 0;  // 0: no answer
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// Sends `raw` to 127.0.0.1:port and reads one response (Content-Length or until close).
HttpResult rawHttp(int port, const std::string& raw, int timeout_ms = 10000);

/// A well-formed request; `content_type` defaults to application/json when there is a body.
/// `headers` are complete header lines without the CRLF ("Authorization: Bearer x").
HttpResult http(int port, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& content_type = "",
                const std::vector<std::string>& headers = {});

inline HttpResult httpJson(int port, const std::string& method, const std::string& path,
                           const nlohmann::json& body, const std::vector<std::string>& headers = {}) {
  return http(port, method, path, body.dump(), "", headers);
}

}  // namespace srtgw::test
