// srtgw-bench-srtrecv: many SRT receivers in one process, for the fan-out benchmark.
//
// Opens one SRT caller per --connect HOST:PORT (repeat it; the same target may appear
// many times), reads every connection from one libsrt epoll, and per connection counts
// received, unique, lost (sequence gaps) and duplicate srtgw-bench-gen datagrams. It
// writes nothing onward, so the receiving side of a benchmark costs one thread plus
// libsrt's own, instead of a receiver process and a UDP sink per stream.
//
// By default every caller binds the same local UDP port, so libsrt serves them all
// from one multiplexer (one receive thread, one send thread); --own-ports gives each
// its own. TSBPD stays on, with libsrt's default latency unless --latency-ms, so a
// packet that comes too late is dropped by libsrt and counted as lost, as a player
// would. --no-tsbpd delivers on arrival instead (a recorder's choice): libsrt then
// never drops late packets, so only what the sender failed to deliver is lost, and the
// receiver is not woken once per packet to play each one out on time.
//
// Prints {"connected":N} once every caller is connected, and at the end one JSON object
// whose "total" has the same keys as srtgw-bench-sink's (unique, min_unique, ...). Stops
// after --seconds, or once it has seen traffic and then nothing for --idle-ms.
#include <algorithm>
#include <climits>
#include <atomic>
#include <csignal>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_common.hpp"
#include "srt/epoll.hpp"
#include "srt/options.hpp"
#include "srt/runtime.hpp"
#include "srt/socket.hpp"

using namespace srtgw::bench;
namespace srt = srtgw::srt;

namespace {

constexpr const char* kProg = "srtgw-bench-srtrecv";
constexpr int kMaxMessage = 1500;

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop.store(true); }

struct Connection {
  sockaddr_in target{};
  srt::Socket sock;
  SeqCounter seq;
  bool connected = false;
  bool broken = false;
};

void usage() {
  std::fprintf(stderr,
               "usage: %s --connect HOST:PORT [--connect HOST:PORT ...] [--seconds 60]\n"
               "          [--idle-ms 2000] [--latency-ms MS] [--rcvbuf BYTES] [--fc PACKETS]\n"
               "          [--no-tsbpd] [--own-ports]\n"
               "Receives srtgw-bench-gen datagrams over N SRT callers in one process and\n"
               "counts loss per connection. Prints JSON.\n",
               kProg);
}

sockaddr_storage toStorage(const sockaddr_in& a) {
  sockaddr_storage s{};
  std::memcpy(&s, &a, sizeof a);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<sockaddr_in> targets;
  double seconds = 60;
  long idle_ms = 2000;
  long latency_ms = -1;
  long rcvbuf = -1;
  long fc = -1;
  bool own_ports = false;
  bool tsbpd = true;
  for (ArgCursor args(kProg, argc, argv); args.next();) {
    const std::string_view a = args.option();
    if (a == "--connect") {
      targets.push_back(args.endpointValue(false));
    } else if (a == "--seconds") {
      seconds = args.doubleValue();
    } else if (a == "--idle-ms") {
      idle_ms = args.longValue();
    } else if (a == "--latency-ms") {
      latency_ms = args.longValue();
    } else if (a == "--rcvbuf") {
      rcvbuf = args.longValue();
    } else if (a == "--fc") {
      fc = args.longValue();
    } else if (a == "--no-tsbpd") {
      tsbpd = false;
    } else if (a == "--own-ports") {
      own_ports = true;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      usage();
      die(kProg, "unknown argument " + std::string(a));
    }
  }
  if (targets.empty() || seconds <= 0) {
    usage();
    return 2;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);

  srt::Runtime runtime;
  auto ep = srt::Epoll::create();
  if (!ep) {
    die(kProg, "epoll: " + ep.error().message);
  }
  srt::SrtOptions opts;
  if (latency_ms >= 0) {
    opts.latency_ms = static_cast<int>(latency_ms);
  }
  // A receiver's buffer must hold the whole latency window: at 900 Mbps and 120 ms that is
  // ~10,300 packets, more than libsrt's default of 8,192 (relay.sh's tuned receiver: 50 MB, fc 40000).
  if (rcvbuf > INT_MAX || fc > INT_MAX) {
    die(kProg, "--rcvbuf and --fc must fit in an int");
  }
  if (rcvbuf > 0) {
    opts.rcvbuf = static_cast<int>(rcvbuf);
  }
  if (fc > 0) {
    opts.flow_window = static_cast<int>(fc);
  }
  if (!tsbpd) {
    opts.tsbpd_mode = false;
  }
  std::vector<Connection> conns(targets.size());
  uint16_t shared_port = 0;
  for (size_t i = 0; i < conns.size(); ++i) {
    Connection& c = conns[i];
    c.target = targets[i];
    auto s = srt::Socket::create(opts);
    if (!s) {
      die(kProg, "socket: " + s.error().message);
    }
    c.sock = std::move(*s);
    if (!own_ports) {
      // One local port for all: libsrt then shares one multiplexer between them.
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      local.sin_port = htons(shared_port);
      if (auto r = c.sock.bind(toStorage(local)); !r) {
        die(kProg, "bind: " + r.error().message);
      }
      shared_port = c.sock.localPort();
    }
    if (auto r = ep->add(c.sock.id(), srt::kEventIn | srt::kEventOut | srt::kEventErr); !r) {
      die(kProg, "epoll add: " + r.error().message);
    }
    if (auto r = c.sock.connect(toStorage(c.target)); !r) {
      die(kProg, "connect: " + r.error().message);
    }
  }

  std::vector<srt::EpollEvent> events(conns.size());
  std::vector<uint8_t> buf(kMaxMessage);
  const uint64_t start = monoNs();
  const uint64_t deadline = start + static_cast<uint64_t>(seconds * 1e9);
  const uint64_t idle_ns = static_cast<uint64_t>(idle_ms) * 1000000ull;
  uint64_t last_packet = 0;
  size_t connected = 0;
  const char* stop_reason = "seconds";
  std::unordered_map<srt::SocketId, Connection*> by_id;
  for (Connection& c : conns) {
    by_id.emplace(c.sock.id(), &c);
  }
  auto find = [&](srt::SocketId id) -> Connection* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };

  for (;;) {
    if (g_stop.load(std::memory_order_relaxed)) {
      stop_reason = "signal";
      break;
    }
    const uint64_t now = monoNs();
    if (now >= deadline) {
      stop_reason = "seconds";
      break;
    }
    if (last_packet != 0 && idle_ms > 0 && now - last_packet >= idle_ns) {
      stop_reason = "idle";
      break;
    }
    const int n = ep->wait(events.data(), static_cast<int>(events.size()), 20);
    for (int e = 0; e < n; ++e) {
      Connection* c = find(events[static_cast<size_t>(e)].sock);
      if (c == nullptr || c->broken) {
        continue;
      }
      if (!c->connected) {
        const srt::LinkState st = c->sock.state();
        if (st == srt::LinkState::kConnected) {
          c->connected = true;
          (void)ep->update(c->sock.id(), srt::kEventIn | srt::kEventErr);
          if (++connected == conns.size()) {
            std::printf("{\"connected\":%zu}\n", connected);
            std::fflush(stdout);
          }
        } else if (st == srt::LinkState::kBroken || st == srt::LinkState::kClosed) {
          c->broken = true;
          ep->remove(c->sock.id());
          std::fprintf(stderr, "%s: connection %zu failed: %s\n", kProg,
                       static_cast<size_t>(c - conns.data()), c->sock.rejectReason().c_str());
          continue;
        }
      }
      for (;;) {
        const int len = srt::recvMessage(c->sock.id(), buf.data(), static_cast<int>(buf.size()));
        if (len < 0) {
          c->broken = true;
          ep->remove(c->sock.id());
          break;
        }
        if (len == 0) {
          break;
        }
        c->seq.add(buf.data(), static_cast<size_t>(len));
        last_packet = now;
      }
    }
  }
  const double ran = static_cast<double>(monoNs() - start) / 1e9;

  std::string out = "{\"tool\":\"srtgw-bench-srtrecv\",\"shared_port\":" +
                    std::string(own_ports ? "false" : "true") + ",\"tsbpd\":" +
                    std::string(tsbpd ? "true" : "false") + ",\"connections\":[";
  char line[512];
  uint64_t t_recv = 0, t_unique = 0, t_lost = 0, t_dup = 0;
  uint64_t min_unique = UINT64_MAX, max_unique = 0;
  size_t broken = 0;
  for (size_t i = 0; i < conns.size(); ++i) {
    const Connection& c = conns[i];
    const SeqCounter& s = c.seq;
    std::snprintf(line, sizeof line,
                  "%s{\"target\":%u,\"connected\":%s,\"broken\":%s,\"received\":%llu,\"unique\":%llu,"
                  "\"lost\":%llu,\"duplicates\":%llu,\"bad\":%llu}",
                  i ? "," : "", ntohs(c.target.sin_port), c.connected ? "true" : "false",
                  c.broken ? "true" : "false", static_cast<unsigned long long>(s.received),
                  static_cast<unsigned long long>(s.unique), static_cast<unsigned long long>(s.lost()),
                  static_cast<unsigned long long>(s.duplicates), static_cast<unsigned long long>(s.bad));
    out += line;
    t_recv += s.received;
    t_unique += s.unique;
    t_lost += s.lost();
    t_dup += s.duplicates;
    min_unique = std::min(min_unique, s.unique);
    max_unique = std::max(max_unique, s.unique);
    broken += c.broken ? 1 : 0;
  }
  std::snprintf(line, sizeof line,
                "],\"total\":{\"ports\":%zu,\"connected\":%zu,\"broken\":%zu,\"received\":%llu,"
                "\"unique\":%llu,\"lost\":%llu,\"duplicates\":%llu,\"min_unique\":%llu,"
                "\"max_unique\":%llu},\"seconds\":%.3f,\"stop\":\"%s\"}\n",
                conns.size(), connected, broken, static_cast<unsigned long long>(t_recv),
                static_cast<unsigned long long>(t_unique), static_cast<unsigned long long>(t_lost),
                static_cast<unsigned long long>(t_dup), static_cast<unsigned long long>(min_unique),
                static_cast<unsigned long long>(max_unique), ran, stop_reason);
  out += line;
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return 0;
}
