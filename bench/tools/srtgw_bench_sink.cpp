// srtgw-bench-sink: UDP receiver for the srtgw benchmarks.
//
// Listens on one or many UDP ports, reads with recvmmsg, and per port counts
// received, unique, lost (sequence gaps), duplicates and reordered datagrams, and
// measures delay = arrival - send time (both CLOCK_MONOTONIC on this host; arrival is
// the kernel's SO_TIMESTAMPNS receive time converted to CLOCK_MONOTONIC) and
// transit-time jitter |(r_i - r_{i-1}) - (s_i - s_{i-1})| between consecutive
// sequence numbers (RFC 3550's D, so the sender's burst pattern cancels out).
//
// Ports: --listen HOST:PORT (repeatable; port 0 = chosen by the OS), or --ports N
// [--base-port B] (N consecutive ports from B, or N OS-chosen ports when B is 0).
// The chosen ports are printed at once as {"ports":[...]} on stdout (and to
// --ports-file). The sink stops by itself: after --seconds in all, or once it has
// seen traffic and then nothing for --idle-ms. It then prints one JSON object.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <string>
#include <vector>

#include "bench_common.hpp"

using namespace srtgw::bench;

namespace {

constexpr const char* kProg = "srtgw-bench-sink";
constexpr unsigned kBatch = 64;
constexpr size_t kMaxDatagram = 65536;
constexpr size_t kDelayBuckets = 1u << 22;      // 1 us buckets: 0 .. 4.19 s
constexpr size_t kJitterBuckets = 1u << 18;     // 1 us buckets: 0 .. 262 ms

std::atomic<bool> g_stop{false};
uint64_t g_skip_ns = 0;  // --skip-ms: warm-up left out of delay and jitter
void onSignal(int) { g_stop.store(true); }

// Histogram with 1 us buckets. Memory comes from calloc (mmap for these sizes), so
// only the pages around values actually seen are ever touched.
struct Histogram {
  uint32_t* buckets = nullptr;
  size_t n = 0;
  uint64_t count = 0;
  uint64_t overflow = 0;
  uint64_t max_ns = 0;
  uint64_t min_ns = UINT64_MAX;
  long double sum_ns = 0;

  void init(size_t nb) {
    n = nb;
    buckets = static_cast<uint32_t*>(std::calloc(nb, sizeof(uint32_t)));
    if (buckets == nullptr) {
      die(kProg, "out of memory");
    }
  }
  void add(uint64_t ns) {
    ++count;
    sum_ns += static_cast<long double>(ns);
    max_ns = std::max(max_ns, ns);
    min_ns = std::min(min_ns, ns);
    uint64_t us = ns / 1000;
    if (us < n) {
      ++buckets[us];
    } else {
      ++overflow;
    }
  }
  // Upper edge of the bucket holding the q-quantile, in ms (exact max if it lies
  // beyond the histogram).
  double quantileMs(double q) const {
    if (count == 0) {
      return 0;
    }
    uint64_t target = static_cast<uint64_t>(q * static_cast<double>(count));
    if (target >= count) {
      target = count - 1;
    }
    uint64_t cum = 0;
    for (size_t i = 0; i < n; ++i) {
      cum += buckets[i];
      if (cum > target) {
        double edge = static_cast<double>(i + 1) / 1e3;
        return std::min(edge, static_cast<double>(max_ns) / 1e6);
      }
    }
    return static_cast<double>(max_ns) / 1e6;
  }
};

struct Port {
  int fd = -1;
  uint16_t port = 0;
  SeqCounter seq;
  uint64_t prev_seq = 0;
  uint64_t prev_send = 0;
  uint64_t prev_recv = 0;
  bool have_prev = false;
  uint64_t first_recv = 0;
  uint64_t last_recv = 0;
  Histogram delay;      // packets sent after the warm-up (--skip-ms), all when there is none
  Histogram delay_all;  // every packet
  Histogram jitter;     // after the warm-up, like `delay`
  uint64_t origin = 0;  // send time of the first datagram
  FILE* trace = nullptr;  // --trace: one line per new packet
  uint64_t trace_origin = 0;
};

void usage() {
  std::fprintf(stderr,
               "usage: %s (--listen HOST:PORT ... | --ports N [--base-port B]) [--seconds 60]\n"
               "          [--idle-ms 2000] [--rcvbuf BYTES] [--ports-file PATH] [--trace PATH]\n"
               "          [--skip-ms MS]\n"
               "       %s --free-ports N   (print N currently free UDP ports and exit)\n"
               "Counts loss/duplicates/reordering and measures delay and jitter of\n"
               "srtgw-bench-gen datagrams per port. Prints JSON. --trace writes \"seq send_ms delay_ms\"\n"
               "per new datagram into PATH for the first port, PATH.1, PATH.2, ... for the others\n"
               "(send_ms from the port's first datagram, whose CLOCK_MONOTONIC time the first line\n"
               "gives as \"# origin_mono_ms T\").\n"
               "--skip-ms leaves the datagrams sent in the first MS ms out of delay and jitter\n"
               "(a warm-up); delay_all_ms still covers every datagram.\n",
               kProg, kProg);
}

void handle(Port& p, const unsigned char* d, size_t len, uint64_t recv_ns) {
  uint64_t seq = 0;
  uint64_t sent = 0;
  const SeqCounter::Outcome o = p.seq.add(d, len, &seq, &sent);
  if (o == SeqCounter::Outcome::kBad) {
    return;
  }
  if (p.first_recv == 0) {
    p.first_recv = recv_ns;
  }
  p.last_recv = recv_ns;
  if (o != SeqCounter::Outcome::kNew) {
    return;
  }
  if (p.origin == 0) {
    p.origin = sent;
  }
  const uint64_t delay = recv_ns > sent ? recv_ns - sent : 0;
  p.delay_all.add(delay);
  const bool measured = sent >= p.origin + g_skip_ns;
  if (measured) {
    p.delay.add(delay);
  }
  if (p.trace != nullptr) {
    if (p.trace_origin == 0) {
      p.trace_origin = sent;
      std::fprintf(p.trace, "# origin_mono_ms %.3f\n", static_cast<double>(sent) / 1e6);
    }
    std::fprintf(p.trace, "%llu %.3f %.3f\n", static_cast<unsigned long long>(seq),
                 static_cast<double>(sent - p.trace_origin) / 1e6,
                 static_cast<double>(static_cast<int64_t>(recv_ns - sent)) / 1e6);
  }
  if (measured && p.have_prev && seq == p.prev_seq + 1) {
    const int64_t dr = static_cast<int64_t>(recv_ns - p.prev_recv);
    const int64_t ds = static_cast<int64_t>(sent - p.prev_send);
    const int64_t dd = dr - ds;
    p.jitter.add(static_cast<uint64_t>(dd < 0 ? -dd : dd));
  }
  p.have_prev = true;
  p.prev_seq = seq;
  p.prev_send = sent;
  p.prev_recv = recv_ns;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<sockaddr_in> addrs;
  long nports = 0;
  long base_port = 0;
  double seconds = 60;
  long idle_ms = 2000;
  long rcvbuf = 32 * 1024 * 1024;
  std::string ports_file;
  std::string trace_file;
  for (ArgCursor args(kProg, argc, argv); args.next();) {
    const std::string_view a = args.option();
    if (a == "--listen") {
      addrs.push_back(args.endpointValue(true));
    } else if (a == "--ports") {
      nports = args.longValue();
    } else if (a == "--base-port") {
      base_port = args.longValue();
    } else if (a == "--seconds") {
      seconds = args.doubleValue();
    } else if (a == "--idle-ms") {
      idle_ms = args.longValue();
    } else if (a == "--rcvbuf") {
      rcvbuf = args.longValue();
    } else if (a == "--free-ports") {
      // Helper for scripts: print N distinct UDP ports that are free on every
      // address right now (bound together on 0.0.0.0:0, then released), and exit.
      long want = args.longValue();
      std::vector<int> fds;
      for (long k = 0; k < want; ++k) {
        int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in any{};
        any.sin_family = AF_INET;
        any.sin_addr.s_addr = htonl(INADDR_ANY);
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) {
          die(kProg, std::string("bind: ") + std::strerror(errno));
        }
        socklen_t gl = sizeof any;
        getsockname(fd, reinterpret_cast<sockaddr*>(&any), &gl);
        std::printf("%u\n", ntohs(any.sin_port));
        fds.push_back(fd);
      }
      for (int fd : fds) {
        ::close(fd);
      }
      return 0;
    } else if (a == "--ports-file") {
      ports_file = args.value();
    } else if (a == "--skip-ms") {
      g_skip_ns = static_cast<uint64_t>(args.longValue()) * 1000000ull;
    } else if (a == "--trace") {
      trace_file = args.value();
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      usage();
      die(kProg, "unknown argument " + std::string(a));
    }
  }
  for (long k = 0; k < nports; ++k) {
    sockaddr_in sa{};
    std::string spec = "127.0.0.1:" + std::to_string(base_port == 0 ? 0 : base_port + k);
    parseHostPort(spec, sa);
    addrs.push_back(sa);
  }
  if (addrs.empty() || seconds <= 0) {
    usage();
    return 2;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);

  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Port> ports(addrs.size());
  for (size_t i = 0; i < addrs.size(); ++i) {
    Port& p = ports[i];
    p.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p.fd < 0) {
      die(kProg, std::string("socket: ") + std::strerror(errno));
    }
    int rb = static_cast<int>(rcvbuf);
    if (setsockopt(p.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof rb) != 0) {
      setsockopt(p.fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
    }
    int one = 1;
    setsockopt(p.fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    if (::bind(p.fd, reinterpret_cast<sockaddr*>(&addrs[i]), sizeof(sockaddr_in)) != 0) {
      die(kProg, "bind " + std::to_string(ntohs(addrs[i].sin_port)) + ": " + std::strerror(errno));
    }
    sockaddr_in got{};
    socklen_t gl = sizeof got;
    getsockname(p.fd, reinterpret_cast<sockaddr*>(&got), &gl);
    p.port = ntohs(got.sin_port);
    p.delay.init(kDelayBuckets);
    p.delay_all.init(kDelayBuckets);
    p.jitter.init(kJitterBuckets);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev);
  }

  // One file per port: PATH for the first, PATH.1, PATH.2, ... for the others.
  for (size_t i = 0; i < ports.size() && !trace_file.empty(); ++i) {
    const std::string name = i == 0 ? trace_file : trace_file + "." + std::to_string(i);
    ports[i].trace = std::fopen(name.c_str(), "w");
    if (ports[i].trace == nullptr) {
      die(kProg, "--trace " + name + ": " + std::strerror(errno));
    }
    std::setvbuf(ports[i].trace, nullptr, _IOFBF, 1 << 20);
  }

  std::string ports_json = "{\"ports\":[";
  std::string ports_lines;
  for (size_t i = 0; i < ports.size(); ++i) {
    ports_json += (i ? "," : "") + std::to_string(ports[i].port);
    ports_lines += std::to_string(ports[i].port) + "\n";
  }
  ports_json += "]}";
  std::printf("%s\n", ports_json.c_str());
  std::fflush(stdout);
  if (!ports_file.empty()) {
    std::string tmp = ports_file + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "w")) {
      std::fputs(ports_lines.c_str(), f);
      std::fclose(f);
      std::rename(tmp.c_str(), ports_file.c_str());
    }
  }

  // Kernel receive timestamps are CLOCK_REALTIME; map them to CLOCK_MONOTONIC with
  // an offset taken now (the tightest of a few samples). Over a benchmark's minute the
  // clocks drift by microseconds at most.
  int64_t rt_minus_mono = 0;
  {
    uint64_t best = UINT64_MAX;
    for (int k = 0; k < 20; ++k) {
      uint64_t m0 = monoNs();
      uint64_t r = realNs();
      uint64_t m1 = monoNs();
      if (m1 - m0 < best) {
        best = m1 - m0;
        rt_minus_mono = static_cast<int64_t>(r) - static_cast<int64_t>((m0 + m1) / 2);
      }
    }
  }

  // Receive buffers, iovecs and control buffers, allocated once.
  std::vector<unsigned char> data(static_cast<size_t>(kBatch) * kMaxDatagram);
  constexpr size_t kCtl = CMSG_SPACE(sizeof(timespec)) + 64;
  std::vector<unsigned char> ctl(static_cast<size_t>(kBatch) * kCtl);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  for (unsigned k = 0; k < kBatch; ++k) {
    iov[k].iov_base = &data[k * kMaxDatagram];
    iov[k].iov_len = kMaxDatagram;
  }
  std::vector<epoll_event> events(std::max<size_t>(ports.size(), 1));

  const uint64_t start = monoNs();
  const uint64_t deadline = start + static_cast<uint64_t>(seconds * 1e9);
  const uint64_t idle_ns = static_cast<uint64_t>(idle_ms) * 1000000ull;
  uint64_t last_packet = 0;
  uint64_t kernel_ts_missing = 0;
  uint64_t total_received = 0;
  const char* stop_reason = "seconds";

  for (;;) {
    if (g_stop.load(std::memory_order_relaxed)) {
      stop_reason = "signal";
      break;
    }
    uint64_t now = monoNs();
    if (now >= deadline) {
      stop_reason = "seconds";
      break;
    }
    if (last_packet != 0 && idle_ms > 0 && now - last_packet >= idle_ns) {
      stop_reason = "idle";
      break;
    }
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 20);
    for (int e = 0; e < n; ++e) {
      Port& p = ports[events[static_cast<size_t>(e)].data.u64];
      for (;;) {
        for (unsigned k = 0; k < kBatch; ++k) {
          msghdr& h = msgs[k].msg_hdr;
          h.msg_name = nullptr;
          h.msg_namelen = 0;
          h.msg_iov = &iov[k];
          h.msg_iovlen = 1;
          h.msg_control = &ctl[k * kCtl];
          h.msg_controllen = kCtl;
          h.msg_flags = 0;
        }
        int r = recvmmsg(p.fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (r <= 0) {
          break;
        }
        const uint64_t fallback = monoNs();
        for (int k = 0; k < r; ++k) {
          msghdr& h = msgs[static_cast<size_t>(k)].msg_hdr;
          uint64_t t = 0;
          for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
              timespec ts{};
              std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
              uint64_t rt = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull +
                            static_cast<uint64_t>(ts.tv_nsec);
              t = static_cast<uint64_t>(static_cast<int64_t>(rt) - rt_minus_mono);
            }
          }
          if (t == 0) {
            ++kernel_ts_missing;
            t = fallback;
          }
          handle(p, &data[static_cast<size_t>(k) * kMaxDatagram], msgs[static_cast<size_t>(k)].msg_len, t);
        }
        total_received += static_cast<uint64_t>(r);
        last_packet = fallback;
        if (static_cast<unsigned>(r) < kBatch) {
          break;
        }
      }
    }
  }
  const double ran = static_cast<double>(monoNs() - start) / 1e9;
  for (Port& p : ports) {
    if (p.trace != nullptr) {
      std::fclose(p.trace);
    }
  }

  // Report.
  std::string out;
  out.reserve(512 + ports.size() * 700);
  char buf[1024];
  uint64_t t_recv = 0, t_unique = 0, t_lost = 0, t_dup = 0, t_reord = 0;
  double worst_p99 = 0, worst_max = 0, worst_jit = 0, worst_p50 = 0;
  out += "{\"tool\":\"srtgw-bench-sink\",\"ports\":[";
  for (size_t i = 0; i < ports.size(); ++i) {
    Port& p = ports[i];
    const SeqCounter& q = p.seq;
    const uint64_t lost = q.lost();
    const double rate_s = p.last_recv > p.first_recv ? static_cast<double>(p.last_recv - p.first_recv) / 1e9 : 0;
    std::snprintf(
        buf, sizeof buf,
        "%s{\"port\":%u,\"received\":%llu,\"unique\":%llu,\"lost\":%llu,\"duplicates\":%llu,"
        "\"reordered\":%llu,\"bad\":%llu,\"first_seq\":%lld,\"last_seq\":%lld,\"mbps\":%.3f,"
        "\"delay_ms\":{\"min\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f,\"mean\":%.3f},"
        "\"delay_all_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
        "\"jitter_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}",
        i ? "," : "", p.port, static_cast<unsigned long long>(q.received),
        static_cast<unsigned long long>(q.unique), static_cast<unsigned long long>(lost),
        static_cast<unsigned long long>(q.duplicates), static_cast<unsigned long long>(q.reordered),
        static_cast<unsigned long long>(q.bad), q.any ? static_cast<long long>(q.min_seq) : -1LL,
        q.any ? static_cast<long long>(q.max_seq) : -1LL,
        rate_s > 0 ? static_cast<double>(q.bytes) * 8.0 / rate_s / 1e6 : 0.0,
        p.delay.count ? static_cast<double>(p.delay.min_ns) / 1e6 : 0.0, p.delay.quantileMs(0.5),
        p.delay.quantileMs(0.99), p.delay.quantileMs(0.999), static_cast<double>(p.delay.max_ns) / 1e6,
        p.delay.count ? static_cast<double>(p.delay.sum_ns / p.delay.count) / 1e6 : 0.0,
        p.delay_all.quantileMs(0.5), p.delay_all.quantileMs(0.99), static_cast<double>(p.delay_all.max_ns) / 1e6,
        p.jitter.quantileMs(0.5), p.jitter.quantileMs(0.99), p.jitter.quantileMs(0.999),
        static_cast<double>(p.jitter.max_ns) / 1e6);
    out += buf;
    t_recv += q.received;
    t_unique += q.unique;
    t_lost += lost;
    t_dup += q.duplicates;
    t_reord += q.reordered;
    worst_p50 = std::max(worst_p50, p.delay.quantileMs(0.5));
    worst_p99 = std::max(worst_p99, p.delay.quantileMs(0.99));
    worst_max = std::max(worst_max, static_cast<double>(p.delay.max_ns) / 1e6);
    worst_jit = std::max(worst_jit, p.jitter.quantileMs(0.99));
  }
  uint64_t min_unique = UINT64_MAX;
  uint64_t max_unique = 0;
  for (const Port& p : ports) {
    min_unique = std::min(min_unique, p.seq.unique);
    max_unique = std::max(max_unique, p.seq.unique);
  }
  std::snprintf(buf, sizeof buf,
                "],\"total\":{\"ports\":%zu,\"received\":%llu,\"unique\":%llu,\"lost\":%llu,"
                "\"duplicates\":%llu,\"reordered\":%llu,\"min_unique\":%llu,\"max_unique\":%llu,"
                "\"worst_delay_p50_ms\":%.3f,\"worst_delay_p99_ms\":%.3f,\"worst_delay_max_ms\":%.3f,"
                "\"worst_jitter_p99_ms\":%.3f},\"skip_ms\":%llu,\"kernel_ts_missing\":%llu,\"seconds\":%.3f,"
                "\"stop\":\"%s\"}\n",
                ports.size(), static_cast<unsigned long long>(t_recv),
                static_cast<unsigned long long>(t_unique), static_cast<unsigned long long>(t_lost),
                static_cast<unsigned long long>(t_dup), static_cast<unsigned long long>(t_reord),
                static_cast<unsigned long long>(ports.empty() ? 0 : min_unique),
                static_cast<unsigned long long>(max_unique), worst_p50, worst_p99, worst_max,
                worst_jit, static_cast<unsigned long long>(g_skip_ns / 1000000ull),
                static_cast<unsigned long long>(kernel_ts_missing), ran, stop_reason);
  out += buf;
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  (void)total_received;
  return 0;
}
