#include "support/serve_process.hpp"

#include <regex>

#include "support/relay_process.hpp"

namespace srtgw::test {

ServeProcess::ServeProcess(const TempDir& dir, const std::string& tag, const std::string& db,
                           std::vector<std::string> extra_args, std::vector<std::string> env) {
  std::vector<std::string> argv;
  if (!env.empty()) {
    argv.push_back("env");
    argv.insert(argv.end(), env.begin(), env.end());
  }
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
  static const std::regex kServing(R"(serving http://[^ ]*:(\d+))");
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
}

}  // namespace srtgw::test
