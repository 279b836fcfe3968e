#include "impair_test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"

#include "core/clock.hpp"

extern char** environ;

namespace srtgw::impair::test {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int64_t remainingMs(int64_t deadline_ns) {
  const int64_t left = deadline_ns - core::steadyNowNs();
  return left <= 0 ? 0 : (left + 999'999) / 1'000'000;
}

}  // namespace

UdpPeer::UdpPeer() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
  if (!fd_.valid()) {
    throw std::runtime_error("socket");
  }
  int bytes = 16 * 1024 * 1024;
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  // The kernel stamps each datagram's arrival (receive(..., arrival_ns)): a test that times
  // arrivals must not time its own thread's wake-ups.
  int on = 1;
  setsockopt(fd_.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  sockaddr_in a = loopback(0);
  if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("bind");
  }
  socklen_t len = sizeof a;
  getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

void UdpPeer::sendTo(uint16_t port, const std::string& data) const { sendTo(loopback(port), data); }

void UdpPeer::sendTo(const sockaddr_in& to, const std::string& data) const {
  if (::sendto(fd_.get(), data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to),
               sizeof to) != static_cast<ssize_t>(data.size())) {
    throw std::runtime_error(std::string("sendto: ") + std::strerror(errno));
  }
}

std::optional<std::string> UdpPeer::receive(std::chrono::milliseconds timeout, sockaddr_in* from,
                                            int64_t* arrival_ns) const {
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    return std::nullopt;
  }
  std::string buf(65536, '\0');
  sockaddr_in src{};
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_name = &src;
  msg.msg_namelen = sizeof src;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT);
  if (n < 0) {
    return std::nullopt;
  }
  if (from != nullptr) {
    *from = src;
  }
  if (arrival_ns != nullptr) {
    *arrival_ns = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        *arrival_ns = static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      }
    }
  }
  buf.resize(static_cast<size_t>(n));
  return buf;
}

std::vector<std::string> UdpPeer::drain() const {
  std::vector<std::string> out;
  while (auto d = receive(std::chrono::milliseconds(0))) {
    out.push_back(std::move(*d));
  }
  return out;
}

RelayConfig relayConfig(uint16_t forward_port, uint64_t seed) {
  RelayConfig cfg;
  auto listen = loopback(0);
  auto forward = loopback(forward_port);
  std::memcpy(&cfg.listen, &listen, sizeof listen);
  std::memcpy(&cfg.forward, &forward, sizeof forward);
  cfg.seed = seed;
  return cfg;
}

RelayRunner::RelayRunner(const RelayConfig& cfg) {
  auto r = Relay::open(cfg);
  if (!r) {
    throw std::runtime_error(r.error().message);
  }
  relay_ = std::move(*r);
  thread_ = core::NamedThread("impair-relay", [this](std::stop_token) { relay_->run(); });
}

RelayRunner::~RelayRunner() { stop(); }

uint16_t RelayRunner::port() const {
  return ntohs(reinterpret_cast<const sockaddr_in&>(relay_->listenAddress()).sin_port);
}

bool RelayRunner::waitFor(const std::function<bool(const RelayStats&)>& pred,
                          std::chrono::milliseconds timeout) const {
  return waitUntil([&] { return pred(snapshot()); }, timeout);
}

RelayStats RelayRunner::stop() {
  relay_->stop();
  thread_.stopAndJoin();
  return relay_->snapshot();
}

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return pred();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

Child::Child(const std::vector<std::string>& argv, const std::string& stderr_path) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2");
  }
  out_ = net::Fd(pipe_fds[0]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 1);
  if (stderr_path == kStderrToStdout) {
    posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&fa, 2,
                                     stderr_path.empty() ? "/dev/null" : stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
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
  std::vector<std::string> copy = argv;
  for (auto& a : copy) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);
  const int rc = posix_spawnp(&pid_, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

Child::~Child() {
  if (pid_ > 0 && !exited_) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
}

std::optional<std::string> Child::readLine(std::chrono::milliseconds timeout) {
  const int64_t deadline = core::steadyNowNs() + timeout.count() * 1'000'000;
  while (true) {
    if (const size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    pollfd p{out_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(remainingMs(deadline))) <= 0) {
      return std::nullopt;
    }
    char buf[4096];
    const ssize_t n = ::read(out_.get(), buf, sizeof buf);
    if (n <= 0) {
      return std::nullopt;
    }
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

void Child::signal(int sig) const {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, sig);
  }
}

int Child::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || exited_) {
    return -1;
  }
  int status = 0;
  const bool done = waitUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
  if (!done) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    return -1;
  }
  exited_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string impairBinary() { return SRTGW_IMPAIR_BINARY; }

uint16_t freeUdpPort() { return static_cast<uint16_t>(srtgw::test::freeUdpPort()); }

bool inPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, colon - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
    start = colon + 1;
  }
  return false;
}

std::string numbered(uint32_t seq, size_t size) {
  std::string d(size, '\0');
  std::memcpy(d.data(), &seq, sizeof seq);
  for (size_t i = sizeof seq; i < size; ++i) {
    d[i] = static_cast<char>((seq * 31 + i * 7) & 0xff);
  }
  return d;
}

uint32_t numberOf(const std::string& datagram) {
  uint32_t seq = 0;
  std::memcpy(&seq, datagram.data(), std::min(sizeof seq, datagram.size()));
  return seq;
}

}  // namespace srtgw::impair::test
