#include "support/serve_process.hpp"

#include <regex>

#include "support/relay_process.hpp"

namespace srtgw::test {

ServeProcess::ServeProcess(const TempDir& dir, const std::string& tag, const std::string& db,
                           std::vector<std::string> extra_args, std::vector<std::string> env) {
  std::vector<std::string> argv;
  // Every test gateway has a known admin password, so the helpers below can log in.
  admin_password_ = "test-admin-password";
  bool has_password = false;
  for (const auto& e : env) {
    if (e.rfind("SRTGW_ADMIN_PASSWORD=", 0) == 0) {
      admin_password_ = e.substr(e.find('=') + 1);
      has_password = true;
    }
    has_password = has_password || e.rfind("SRTGW_ADMIN_PASSWORD_FILE=", 0) == 0;
  }
  if (!has_password) {
    env.push_back("SRTGW_ADMIN_PASSWORD=" + admin_password_);
  }
  argv.push_back("env");
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(srtgwBinary());
  argv.push_back("serve");
  bool has_listen = false;
  for (const auto& a : extra_args) {
    has_listen = has_listen || a == "--listen";
  }
  if (!has_listen) {
    argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
  }
  if (!db.empty()) {
    argv.insert(argv.end(), {"--db", db});
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  proc_ = ChildProcess(argv, dir.file(tag + ".out"), dir.file(tag + ".log"));
  // [^\s], not [^ ]: the match must not run on into the next log line's time stamp.
  static const std::regex kServing(R"(serving https?://[^\s]*:(\d+))");
  waitUntil(
      [&] {
        std::smatch m;
        std::string log = proc_.stderrText();
        if (std::regex_search(log, m, kServing)) {
          port_ = std::stoi(m[1]);
          return true;
        }
        return !proc_.running();
      },
      std::chrono::seconds(20));
  if (port_ != 0) {
    login();
  }
}

bool ServeProcess::login() {
  auto r = httpJson(port_, "POST", "/api/v1/auth/login",
                    nlohmann::json{{"username", "admin"}, {"password", admin_password_}});
  if (r.status != 200) {
    return false;
  }
  token_ = r.json().value("token", "");
  return !token_.empty();
}

std::vector<std::string> ServeProcess::auth() const {
  if (token_.empty()) {
    return {};
  }
  return {"Authorization: Bearer " + token_};
}

}  // namespace srtgw::test
