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

  HttpResult get(const std::string& path) { return http(port_, "GET", path); }
  HttpResult post(const std::string& path, const nlohmann::json& body) {
    return httpJson(port_, "POST", path, body);
  }
  HttpResult patch(const std::string& path, const nlohmann::json& body) {
    return httpJson(port_, "PATCH", path, body);
  }
  HttpResult put(const std::string& path, const nlohmann::json& body) {
    return httpJson(port_, "PUT", path, body);
  }
  HttpResult del(const std::string& path) { return http(port_, "DELETE", path); }

 private:
  ChildProcess proc_;
  int port_ = 0;
};

}  // namespace srtgw::test
