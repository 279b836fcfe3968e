#pragma once
// build/srtgw relay as a child process, with its JSON statistics lines parsed.

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace srtgw::test {

/// Path of the srtgw binary under test (compiled in by CMake).
std::string srtgwBinary();

class RelayProcess {
 public:
  RelayProcess(const TempDir& dir, const std::string& tag, std::vector<std::string> urls,
               std::vector<std::string> extra_args = {});
  /// The last complete statistics line (null when none yet).
  nlohmann::json latest() const;
  /// Waits until a statistics line satisfies `pred`; returns it (null on timeout).
  nlohmann::json waitFor(const std::function<bool(const nlohmann::json&)>& pred,
                         std::chrono::milliseconds timeout = std::chrono::seconds(15));
  /// The input's local port once it is bound.
  int inputPort();
  /// Output #i's local port once it is bound.
  int outputPort(size_t i);
  ChildProcess& process() { return proc_; }
  std::string log() const { return proc_.stderrText(); }

 private:
  ChildProcess proc_;
};

}  // namespace srtgw::test
