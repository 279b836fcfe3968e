// Shared bits of the srtgw benchmark tools: packet layout, clocks, address and
// argument parsing. Header-only, no dependencies beyond libc/libstdc++.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace srtgw::bench {

// Datagram layout (1316 bytes = 7 x 188 by default). Every 188-byte chunk starts
// like an MPEG-TS null packet (0x47 0x1F 0xFF 0x1c) so that anything peeking at the
// payload sees TS. The first chunk's payload carries the benchmark header:
//   [4..7]   magic "SGWB"
//   [8..15]  sequence number, little endian, from 0
//   [16..23] CLOCK_MONOTONIC send time in ns, little endian
inline constexpr size_t kTsPacket = 188;
inline constexpr size_t kMagicOffset = 4;
inline constexpr size_t kSeqOffset = 8;
inline constexpr size_t kTimeOffset = 16;
inline constexpr size_t kHeaderEnd = 24;
inline constexpr uint32_t kMagic = 0x42574753u;  // "SGWB" little endian

inline uint64_t monoNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t realNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline void putU64(unsigned char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    p[i] = static_cast<unsigned char>(v >> (8 * i));
  }
}

inline uint64_t getU64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) {
    v = (v << 8) | p[i];
  }
  return v;
}

inline void putU32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    p[i] = static_cast<unsigned char>(v >> (8 * i));
  }
}

inline uint32_t getU32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// Fills a datagram template: TS-like chunk headers and filler.
inline void fillTemplate(unsigned char* buf, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    buf[i] = 0xFF;
  }
  unsigned cc = 0;
  for (size_t off = 0; off + 4 <= size; off += kTsPacket) {
    buf[off] = 0x47;
    buf[off + 1] = 0x1F;
    buf[off + 2] = 0xFF;
    buf[off + 3] = static_cast<unsigned char>(0x10 | (cc++ & 0x0F));
  }
  putU32(buf + kMagicOffset, kMagic);
}

// Per-stream bookkeeping of benchmark sequence numbers: received, unique, duplicates,
// reordering and loss (gaps between the lowest and highest number seen). The bitmap
// comes from calloc, so only the pages of numbers actually seen are touched.
struct SeqCounter {
  static constexpr uint64_t kBits = 1ull << 27;  // 134M sequence numbers per stream

  enum class Outcome { kBad, kOutOfRange, kDuplicate, kNew };

  uint64_t* seen = nullptr;
  uint64_t received = 0;
  uint64_t unique = 0;
  uint64_t duplicates = 0;
  uint64_t reordered = 0;
  uint64_t bad = 0;           // not a benchmark datagram
  uint64_t out_of_range = 0;  // sequence number beyond the bitmap
  uint64_t bytes = 0;
  uint64_t min_seq = UINT64_MAX;
  uint64_t max_seq = 0;
  bool any = false;

  SeqCounter() : seen(static_cast<uint64_t*>(std::calloc(kBits / 64, sizeof(uint64_t)))) {
    if (seen == nullptr) {
      std::fprintf(stderr, "out of memory\n");
      std::exit(2);
    }
  }
  ~SeqCounter() { std::free(seen); }
  SeqCounter(const SeqCounter&) = delete;
  SeqCounter& operator=(const SeqCounter&) = delete;

  // Counts one datagram; `seq` and `sent` get its header fields when it is one of ours.
  Outcome add(const unsigned char* d, size_t len, uint64_t* seq = nullptr, uint64_t* sent = nullptr) {
    if (len < kHeaderEnd || d[0] != 0x47 || getU32(d + kMagicOffset) != kMagic) {
      ++bad;
      return Outcome::kBad;
    }
    const uint64_t s = getU64(d + kSeqOffset);
    if (seq != nullptr) {
      *seq = s;
    }
    if (sent != nullptr) {
      *sent = getU64(d + kTimeOffset);
    }
    ++received;
    bytes += len;
    if (s >= kBits) {
      ++out_of_range;
      return Outcome::kOutOfRange;
    }
    uint64_t& word = seen[s >> 6];
    const uint64_t bit = 1ull << (s & 63);
    if (word & bit) {
      ++duplicates;
      return Outcome::kDuplicate;
    }
    word |= bit;
    ++unique;
    if (any && s < max_seq) {
      ++reordered;
    }
    if (!any || s > max_seq) {
      max_seq = s;
    }
    min_seq = s < min_seq ? s : min_seq;
    any = true;
    return Outcome::kNew;
  }

  uint64_t span() const { return any ? max_seq - min_seq + 1 : 0; }
  uint64_t lost() const { return span() > unique ? span() - unique : 0; }
};

[[noreturn]] inline void die(const char* prog, const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n", prog, msg.c_str());
  std::exit(2);
}

// "host:port", ":port" or "port" -> IPv4 sockaddr. The host must be a dotted quad;
// an empty host means 127.0.0.1 (the benchmarks stay on loopback).
inline bool parseHostPort(std::string_view s, sockaddr_in& out) {
  std::memset(&out, 0, sizeof out);
  out.sin_family = AF_INET;
  std::string host = "127.0.0.1";
  std::string port;
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    port = std::string(s);
  } else {
    if (colon > 0) {
      host = std::string(s.substr(0, colon));
    }
    port = std::string(s.substr(colon + 1));
  }
  if (port.empty()) {
    return false;
  }
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (*end != '\0' || p < 0 || p > 65535) {
    return false;
  }
  if (inet_pton(AF_INET, host.c_str(), &out.sin_addr) != 1) {
    return false;
  }
  out.sin_port = htons(static_cast<uint16_t>(p));
  return true;
}

inline double parseDouble(const char* prog, const char* opt, const char* v) {
  char* end = nullptr;
  double d = std::strtod(v, &end);
  if (end == v || *end != '\0') {
    die(prog, std::string("bad value for ") + opt + ": " + v);
  }
  return d;
}

inline long parseLong(const char* prog, const char* opt, const char* v) {
  char* end = nullptr;
  long l = std::strtol(v, &end, 10);
  if (end == v || *end != '\0') {
    die(prog, std::string("bad value for ") + opt + ": " + v);
  }
  return l;
}

// Walks a command line: the option at hand and the value after it; a missing or malformed
// value ends the program with a message naming the option.
class ArgCursor {
 public:
  ArgCursor(const char* prog, int argc, char** argv) : prog_(prog), argc_(argc), argv_(argv) {}

  bool next() { return ++i_ < argc_; }
  std::string_view option() const { return argv_[i_]; }

  const char* value() {
    if (i_ + 1 >= argc_) {
      die(prog_, "missing value for " + std::string(option()));
    }
    return argv_[++i_];
  }
  long longValue() {
    const std::string opt(option());
    return parseLong(prog_, opt.c_str(), value());
  }
  double doubleValue() {
    const std::string opt(option());
    return parseDouble(prog_, opt.c_str(), value());
  }
  // HOST:PORT; port 0 only when `port_zero_ok`.
  sockaddr_in endpointValue(bool port_zero_ok) {
    const std::string opt(option());
    const char* v = value();
    sockaddr_in sa{};
    if (!parseHostPort(v, sa) || (!port_zero_ok && sa.sin_port == 0)) {
      die(prog_, "bad " + opt + " " + v);
    }
    return sa;
  }

 private:
  const char* prog_;
  int argc_;
  char** argv_;
  int i_ = 0;
};

}  // namespace srtgw::bench
