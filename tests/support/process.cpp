#include "support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace srtgw::test {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string stdout_path,
                           std::string stderr_path)
    : out_(std::move(stdout_path)), err_(std::move(stderr_path)) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Children start with default signal handling and nothing blocked, whatever the test has.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (auto& a : argv) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);
  int rc = posix_spawnp(&pid_, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0]);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    stop(SIGKILL, std::chrono::seconds(5));
  }
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(o.pid_), status_(o.status_), out_(std::move(o.out_)), err_(std::move(o.err_)) {
  o.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0) {
      stop(SIGKILL, std::chrono::seconds(5));
    }
    pid_ = o.pid_;
    status_ = o.status_;
    out_ = std::move(o.out_);
    err_ = std::move(o.err_);
    o.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::running() {
  if (pid_ <= 0) {
    return false;
  }
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    pid_ = -1;
    return false;
  }
  return true;
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0) {
    ::kill(pid_, sig);
  }
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (!waitUntil([&] { return !running(); }, timeout)) {
    return -1;
  }
  return status_;
}

int ChildProcess::stop(int sig, std::chrono::milliseconds timeout) {
  if (!running()) {
    return status_;
  }
  ::kill(pid_, sig);
  if (sig == SIGSTOP) {
    return -1;
  }
  ::kill(pid_, SIGCONT);
  int st = wait(timeout);
  if (st == -1 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    st = wait(std::chrono::seconds(5));
  }
  return st;
}

std::string ChildProcess::stdoutText() const { return readFile(out_); }
std::string ChildProcess::stderrText() const { return readFile(err_); }

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

namespace {

// Binds host:port (port 0: any) and returns the port bound, or 0 if it was taken.
int tryBind(const char* host, int port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host, &a.sin_addr);
  int got = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    got = ntohs(a.sin_port);
  }
  ::close(fd);
  return got;
}

// The kernel's ephemeral range starts here (32768 by default).
int ephemeralLow() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  in >> low;
  return low;
}

// Tests run in parallel processes (ctest -j). Each port handed out is claimed by an flock on
// a file named after it, held until this process ends (the kernel lets go however it ends),
// so two test processes never get the same port between the pick and the peer's bind.
bool claimAcrossProcesses(int port) {
  const char* base = std::getenv("TMPDIR");
  const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/srtgw-test-ports";
  ::mkdir(dir.c_str(), 0777);
  const std::string path = dir + "/" + std::to_string(port);
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) {
    return true;  // no place for claims: the bind check alone has to do
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // fd stays open on purpose: the claim lasts as long as this process
}

}  // namespace

// Chosen at random below the kernel's ephemeral range and checked free. A port from bind(0)
// would come from that range, where the kernel may hand it to any other socket binding port
// 0 (libsrt callers, other tests running in parallel) before the peer binds it; a port below
// it is only ever taken by a pick like this one. A test often takes several ports before it
// binds any of them, so a port once handed out is never handed out again in this process,
// nor in another test process while this one lives.
int freeUdpPort(const char* host) {
  const int high = ephemeralLow();
  const int low = std::max(1024, high - 12000);
  static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  static std::mutex mu;
  static std::set<int> handed_out;
  std::lock_guard lock(mu);
  std::uniform_int_distribution<int> pick(low, high - 1);
  for (int i = 0; i < 500 && high - low > 100; ++i) {
    const int candidate = pick(rng);
    if (handed_out.count(candidate) != 0 || !claimAcrossProcesses(candidate)) {
      continue;
    }
    handed_out.insert(candidate);
    if (tryBind(host, candidate) != 0) {
      return candidate;
    }
  }
  return tryBind(host, 0);
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/srtgw-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  // Keep the evidence of a failed test when asked to.
  if (std::getenv("SRTGW_KEEP_TEST_FILES") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

}  // namespace srtgw::test
