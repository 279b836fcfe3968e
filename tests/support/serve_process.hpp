#pragma once
// build/srtgw serve as a child process on a port of its choosing, with its own database.

#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace srtgw::test {

class ServeProcess {
 public:
  /// Starts `srtgw serve --listen 127.0.0.1:0 --db <db>` (plus extra args) and waits until it
  /// says which port it serves on.
  ServeProcess(const TempDir& dir, const std::string& tag, const std::string& db,
               std::vector<std::string> extra_args = {}, std::vector<std::string> env = {});
  int port() const { return port_; }
  ChildProcess& process() { return proc_; }
  std::string log() const { return proc_.stderrText(); }

  /// The admin password the gateway was started with (SRTGW_ADMIN_PASSWORD).
  const std::string& adminPassword() const { return admin_password_; }
  /// The admin's bearer token from logging in at start ("" if the gateway has no login).
  const std::string& token() const { return token_; }
  /// Header lines that authenticate a request as the admin.
  std::vector<std::string> auth() const;

  // Requests as the admin.
  HttpResult get(const std::string& path) { return http(port_, "GET", path, "", "", auth()); }
  HttpResult post(const std::string& path, const nlohmann::json& body) {
    return httpJson(port_, "POST", path, body, auth());
  }
  HttpResult patch(const std::string& path, const nlohmann::json& body) {
    return httpJson(port_, "PATCH", path, body, auth());
  }
  HttpResult put(const std::string& path, const nlohmann::json& body) {
    return httpJson(port_, "PUT", path, body, auth());
  }
  HttpResult del(const std::string& path) { return http(port_, "DELETE", path, "", "", auth()); }
  /// A request with a raw body (or none) as the admin.
  HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::string& content_type = "") {
    return http(port_, method, path, body, content_type, auth());
  }
  /// Logs in again (after a restart of the same database, a token from before still works;
  /// this is for tests that want a fresh one).
  bool login();

 private:
  ChildProcess proc_;
  int port_ = 0;
  std::string admin_password_;
  std::string token_;
};

}  // namespace srtgw::test
