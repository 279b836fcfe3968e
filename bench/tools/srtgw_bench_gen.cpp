// srtgw-bench-gen: paced UDP sender for the srtgw benchmarks.
//
// Sends --size byte datagrams at --mbps (payload bits) for --seconds to every --dest
// (identical copies). Each datagram carries a sequence number and its CLOCK_MONOTONIC
// send time (see bench_common.hpp). Pacing: every --burst-us the sender sends all
// packets that are due by the clock (so oversleeping never lowers the rate, it only
// makes one burst larger), sleeping with clock_nanosleep until --spin-us before the
// tick and spinning the rest. Datagrams go out with sendmmsg. Prints one JSON object.
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cerrno>
#include <vector>

#include "bench_common.hpp"

using namespace srtgw::bench;

namespace {

constexpr const char* kProg = "srtgw-bench-gen";
constexpr size_t kMaxMsgs = 1024;     // messages per sendmmsg call
constexpr size_t kMaxBuffers = 64;    // distinct packets per sendmmsg call

std::atomic<bool> g_stop{false};

void onSignal(int) { g_stop.store(true); }

void usage() {
  std::fprintf(stderr,
               "usage: %s --dest HOST:PORT [--dest ...] --mbps RATE --seconds S\n"
               "          [--size 1316] [--burst-us 200] [--spin-us 20] [--sndbuf BYTES]\n"
               "Paced UDP sender; identical copies go to every --dest. Prints JSON.\n",
               kProg);
}

void sleepUntil(uint64_t deadline_ns, uint64_t spin_ns) {
  if (deadline_ns > spin_ns) {
    uint64_t wake = deadline_ns - spin_ns;
    if (monoNs() < wake) {
      timespec ts{static_cast<time_t>(wake / 1000000000ull),
                  static_cast<long>(wake % 1000000000ull)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR &&
             !g_stop.load(std::memory_order_relaxed)) {
      }
    }
  }
  while (monoNs() < deadline_ns) {
    // spin
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<sockaddr_in> dests;
  double mbps = 0;
  double seconds = 0;
  long size = 1316;
  long burst_us = 200;
  long spin_us = 20;
  long sndbuf = 8 * 1024 * 1024;
  for (ArgCursor args(kProg, argc, argv); args.next();) {
    const std::string_view a = args.option();
    if (a == "--dest") {
      dests.push_back(args.endpointValue(false));
    } else if (a == "--mbps") {
      mbps = args.doubleValue();
    } else if (a == "--seconds") {
      seconds = args.doubleValue();
    } else if (a == "--size") {
      size = args.longValue();
    } else if (a == "--burst-us") {
      burst_us = args.longValue();
    } else if (a == "--spin-us") {
      spin_us = args.longValue();
    } else if (a == "--sndbuf") {
      sndbuf = args.longValue();
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      usage();
      die(kProg, "unknown argument " + std::string(a));
    }
  }
  if (dests.empty() || mbps <= 0 || seconds <= 0) {
    usage();
    return 2;
  }
  if (size < static_cast<long>(kHeaderEnd) || size > 65507) {
    die(kProg, "--size must be 24..65507");
  }
  if (dests.size() > kMaxMsgs) {
    die(kProg, "too many --dest (max 1024)");
  }
  if (burst_us < 1) {
    burst_us = 1;
  }

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    die(kProg, std::string("socket: ") + std::strerror(errno));
  }
  int sb = static_cast<int>(sndbuf);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sb, sizeof sb) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb);
  }

  const size_t ndest = dests.size();
  const size_t pkts_per_call = std::max<size_t>(1, std::min(kMaxBuffers, kMaxMsgs / ndest));
  const size_t psize = static_cast<size_t>(size);

  // All buffers allocated up front; the send loop allocates nothing.
  std::vector<unsigned char> buffers(kMaxBuffers * psize);
  for (size_t b = 0; b < kMaxBuffers; ++b) {
    fillTemplate(&buffers[b * psize], psize);
  }
  std::vector<iovec> iovs(kMaxBuffers);
  for (size_t b = 0; b < kMaxBuffers; ++b) {
    iovs[b].iov_base = &buffers[b * psize];
    iovs[b].iov_len = psize;
  }
  std::vector<mmsghdr> msgs(kMaxMsgs);

  const double pps = mbps * 1e6 / (static_cast<double>(psize) * 8.0);
  const uint64_t total = static_cast<uint64_t>(pps * seconds + 0.5);
  const uint64_t burst_ns = static_cast<uint64_t>(burst_us) * 1000ull;
  const uint64_t spin_ns = static_cast<uint64_t>(spin_us) * 1000ull;
  const double ns_per_pkt = 1e9 / pps;

  uint64_t sent = 0;           // packets (per destination) handed to the kernel
  uint64_t datagrams = 0;      // sum over destinations
  uint64_t send_errors = 0;
  uint64_t calls = 0;
  uint64_t max_late_ns = 0;    // how far behind schedule the sender ever was
  uint64_t max_burst = 0;
  const uint64_t start = monoNs() + 1000000;  // 1 ms to settle
  uint64_t tick = 0;
  uint64_t last_send = start;

  while (sent < total && !g_stop.load(std::memory_order_relaxed)) {
    sleepUntil(start + tick * burst_ns, spin_ns);
    ++tick;
    uint64_t now = monoNs();
    uint64_t due = static_cast<uint64_t>(static_cast<double>(now - start) / ns_per_pkt) + 1;
    if (due > total) {
      due = total;
    }
    if (due <= sent) {
      continue;
    }
    uint64_t sched = start + static_cast<uint64_t>(static_cast<double>(sent) * ns_per_pkt);
    if (now > sched && now - sched > max_late_ns) {
      max_late_ns = now - sched;
    }
    if (due - sent > max_burst) {
      max_burst = due - sent;
    }
    while (sent < due) {
      size_t npk = static_cast<size_t>(std::min<uint64_t>(due - sent, pkts_per_call));
      uint64_t stamp = monoNs();
      size_t m = 0;
      for (size_t p = 0; p < npk; ++p) {
        unsigned char* buf = &buffers[p * psize];
        putU64(buf + kSeqOffset, sent + p);
        putU64(buf + kTimeOffset, stamp);
        for (size_t d = 0; d < ndest; ++d) {
          msghdr& h = msgs[m].msg_hdr;
          h.msg_name = &dests[d];
          h.msg_namelen = sizeof(sockaddr_in);
          h.msg_iov = &iovs[p];
          h.msg_iovlen = 1;
          h.msg_control = nullptr;
          h.msg_controllen = 0;
          h.msg_flags = 0;
          ++m;
        }
      }
      size_t off = 0;
      while (off < m) {
        int r = sendmmsg(fd, &msgs[off], static_cast<unsigned>(m - off), 0);
        ++calls;
        if (r < 0) {
          if (errno == EINTR) {
            continue;
          }
          ++send_errors;  // e.g. ENOBUFS: count the datagram as not sent, move on
          ++off;
          continue;
        }
        off += static_cast<size_t>(r);
        datagrams += static_cast<uint64_t>(r);
      }
      sent += npk;
    }
    last_send = monoNs();
  }
  ::close(fd);

  const double elapsed = static_cast<double>(last_send - start) / 1e9;
  // The rate over the run: `sent` packets span (sent - 1) intervals.
  const double achieved_pps = elapsed > 0 && sent > 1 ? static_cast<double>(sent - 1) / elapsed : 0;
  const double achieved_mbps = achieved_pps * static_cast<double>(psize) * 8.0 / 1e6;
  std::printf(
      "{\"tool\":\"srtgw-bench-gen\",\"destinations\":%zu,\"size\":%zu,\"target_mbps\":%.3f,"
      "\"target_pps\":%.1f,\"sent\":%llu,\"datagrams\":%llu,\"send_errors\":%llu,"
      "\"seconds\":%.3f,\"achieved_mbps\":%.3f,\"achieved_pps\":%.1f,\"rate_ratio\":%.5f,"
      "\"sendmmsg_calls\":%llu,\"max_burst\":%llu,\"max_late_us\":%.1f,\"interrupted\":%s}\n",
      ndest, psize, mbps, pps, static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(datagrams), static_cast<unsigned long long>(send_errors),
      elapsed, achieved_mbps, achieved_pps, mbps > 0 ? achieved_mbps / mbps : 0.0,
      static_cast<unsigned long long>(calls), static_cast<unsigned long long>(max_burst),
      static_cast<double>(max_late_ns) / 1e3, g_stop.load() ? "true" : "false");
  return 0;
}
