#include "support/relay_process.hpp"

namespace srtgw::test {

std::string srtgwBinary() { return SRTGW_BINARY; }

RelayProcess::RelayProcess(const TempDir& dir, const std::string& tag,
                           std::vector<std::string> urls, std::vector<std::string> extra_args) {
  std::vector<std::string> argv{srtgwBinary(), "relay", "--stats-interval", "100"};
  for (auto& a : extra_args) {
    argv.push_back(a);
  }
  for (auto& u : urls) {
    argv.push_back(u);
  }
  proc_ = ChildProcess(argv, dir.file(tag + ".stats"), dir.file(tag + ".log"));
}

nlohmann::json RelayProcess::latest() const {
  std::string text = proc_.stdoutText();
  // Only complete lines: the writer may be in the middle of one.
  size_t end = text.rfind('\n');
  if (end == std::string::npos) {
    return nullptr;
  }
  size_t begin = text.rfind('\n', end - 1);
  begin = begin == std::string::npos ? 0 : begin + 1;
  auto j = nlohmann::json::parse(text.substr(begin, end - begin), nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

nlohmann::json RelayProcess::waitFor(const std::function<bool(const nlohmann::json&)>& pred,
                                     std::chrono::milliseconds timeout) {
  nlohmann::json found;
  waitUntil(
      [&] {
        auto j = latest();
        if (!j.is_null() && !j["inputs"].empty() && pred(j)) {
          found = j;
          return true;
        }
        return false;
      },
      timeout);
  return found;
}

int RelayProcess::inputPort() {
  auto j = waitFor([](const nlohmann::json& s) { return s["inputs"][0]["local_port"] != 0; });
  return j.is_null() ? 0 : j["inputs"][0]["local_port"].get<int>();
}

int RelayProcess::outputPort(size_t i) {
  auto j = waitFor([i](const nlohmann::json& s) {
    const auto& outs = s["inputs"][0]["outputs"];
    return outs.size() > i && outs[i]["local_port"] != 0;
  });
  return j.is_null() ? 0 : j["inputs"][0]["outputs"][i]["local_port"].get<int>();
}

}  // namespace srtgw::test
