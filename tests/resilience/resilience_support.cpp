#include "resilience/resilience_support.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace srtgw::test {

std::string impairBinary() { return SRTGW_IMPAIR_BINARY; }
std::string port(int p) { return std::to_string(p); }
int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ImpairProcess::ImpairProcess(const TempDir& dir, const std::string& tag, int forward_port,
                             std::vector<std::string> args) {
  std::vector<std::string> argv{impairBinary(), "--listen", "127.0.0.1:0", "--forward",
                                "127.0.0.1:" + std::to_string(forward_port)};
  argv.insert(argv.end(), args.begin(), args.end());
  proc_ = ChildProcess(argv, dir.file(tag + ".out"), dir.file(tag + ".err"));
  static const std::regex kListen(R"re("listen":"127\.0\.0\.1:(\d+)")re");
  waitUntil(
      [&] {
        std::smatch m;
        std::string out = proc_.stdoutText();
        if (std::regex_search(out, m, kListen)) {
          port_ = std::stoi(m[1]);
          return true;
        }
        return !proc_.running();
      },
      std::chrono::seconds(10));
}

std::string SequenceSource::datagram(uint64_t i, uint32_t seed) {
  std::string d(1316, '\0');
  uint32_t x = static_cast<uint32_t>(i) * 2654435761u + seed * 40503u + 1;
  for (int p = 0; p < 7; ++p) {
    auto* b = reinterpret_cast<uint8_t*>(d.data() + p * 188);
    b[0] = 0x47;
    b[1] = 0x01;
    b[2] = 0x00;
    b[3] = static_cast<uint8_t>(0x10 | ((i * 7 + static_cast<uint64_t>(p)) & 0x0f));
    for (int k = 4; k < 188; ++k) {
      x = x * 1103515245u + 12345u;
      b[k] = static_cast<uint8_t>(x >> 16);
    }
  }
  std::memcpy(d.data() + 4, &i, sizeof i);
  return d;
}

SequenceSource::SequenceSource(int port, double mbps, uint32_t seed) {
  thread_ = std::thread([this, port, mbps, seed] {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    const double ns_per_datagram = 1316 * 8e9 / (mbps * 1e6);
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t i = 0; !stop_.load(); ++i) {
      std::string d = datagram(i, seed);
      ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
      sent_.store(i + 1);
      std::this_thread::sleep_until(  // pacing a sender, not waiting for an event
          start + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(i + 1) * ns_per_datagram)));
    }
    ::close(fd);
  });
}

SequenceSource::~SequenceSource() { stop(); }

void SequenceSource::stop() {
  stop_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

SequenceSink::SequenceSink(uint32_t seed, bool verify) : seed_(seed), verify_(verify) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int buf = 16 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("SequenceSink bind failed");
  }
  socklen_t len = sizeof a;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { run(); });
}

SequenceSink::~SequenceSink() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

void SequenceSink::run() {
  char buf[2048];
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) {
      continue;
    }
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) {
      continue;
    }
    received_.fetch_add(1);
    if (!verify_) {
      continue;
    }
    uint64_t i = 0;
    if (n != 1316) {
      corrupt_.fetch_add(1);
      continue;
    }
    std::memcpy(&i, buf + 4, sizeof i);
    if (i != next_.load()) {
      out_of_order_.fetch_add(1);
    }
    if (std::string(buf, 1316) != SequenceSource::datagram(i, seed_)) {
      corrupt_.fetch_add(1);
    }
    if (i + 1 > next_.load()) {
      next_.store(i + 1);
    }
  }
}

ProcFigures procFigures(int pid) {
  ProcFigures f;
  std::ifstream st("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(st, line)) {
    if (line.rfind("Threads:", 0) == 0) f.threads = std::stoi(line.substr(8));
    if (line.rfind("VmRSS:", 0) == 0) f.rss_kib = std::stol(line.substr(6));
  }
  if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (auto* e = readdir(d)) {
      if (e->d_name[0] != '.') ++f.fds;
    }
    closedir(d);
  }
  return f;
}

size_t missingDatagrams(const std::string& sent, const std::string& received) {
  std::unordered_set<std::string> got;
  for (size_t off = 0; off + 1316 <= received.size(); off += 1316) {
    got.insert(received.substr(off, 1316));
  }
  size_t missing = 0;
  for (size_t off = 0; off + 1316 <= sent.size(); off += 1316) {
    missing += got.count(sent.substr(off, 1316)) == 0 ? 1 : 0;
  }
  return missing;
}

void recordResult(const nlohmann::json& line) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::ofstream out(std::string(SRTGW_RESULTS_DIR) + "/resilience-results.jsonl", std::ios::app);
  nlohmann::json l = line;
  l["recorded_at_ms"] = nowMs();
  out << l.dump() << "\n";
  std::cout << "[resilience] " << l.dump() << std::endl;
}

nlohmann::json findStateEvent(ServeProcess& gw, const std::string& type, int64_t id,
                              const std::string& state, int64_t since_ms) {
  const char* key = type.rfind("input.", 0) == 0 ? "input" : "output";
  auto r = gw.get("/api/v1/events?per_page=200&type=" + type + "&" + key + "=" + std::to_string(id) +
                  "&since=" + std::to_string(since_ms));
  auto j = r.json();
  if (!j.is_object() || !j.contains("items")) {
    return nullptr;
  }
  nlohmann::json found = nullptr;
  for (const auto& e : j["items"]) {  // newest first: keep the oldest match
    if (e["data"].value("state", "") == state && e.value("time_ms", int64_t{0}) >= since_ms) {
      found = e;
    }
  }
  return found;
}

}  // namespace srtgw::test
