#pragma once
// A child process for tests: spawned with stdout/stderr to files, stopped by its pid only.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace srtgw::test {

class ChildProcess {
 public:
  ChildProcess() = default;
  /// Starts argv[0] (searched in PATH) with stdout and stderr written to the given files.
  ChildProcess(std::vector<std::string> argv, std::string stdout_path, std::string stderr_path);
  ~ChildProcess();
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  /// Sends `sig` and waits up to `timeout` for the exit; SIGKILL after that.
  int stop(int sig = 15, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Waits for exit up to timeout; returns the exit status (or -1 on timeout).
  int wait(std::chrono::milliseconds timeout);
  std::string stdoutText() const;
  std::string stderrText() const;
  const std::string& stdoutPath() const { return out_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string out_;
  std::string err_;
};

/// Polls `pred` every 20 ms until it holds or `timeout` passes; true if it held.
bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

/// A UDP port the system had free a moment ago (for peers that cannot bind port 0 and tell us).
/// No other call hands it out again while this process lives, here or in another test
/// process (a claim under $TMPDIR/srtgw-test-ports). A port srtgw binds is port 0, read back.
int freeUdpPort(const char* host = "127.0.0.1");

/// A fresh directory under the test temp dir, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& data);

}  // namespace srtgw::test
