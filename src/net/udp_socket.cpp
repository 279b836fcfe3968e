#include "net/udp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "net/address.hpp"

namespace srtgw::net {
namespace {

using core::Errc;
using core::makeError;

core::Error sysError(const std::string& what) {
  int e = errno;
  if (e == EADDRINUSE) {
    return makeError(Errc::kAddressInUse, fmt::format("{}: address in use", what));
  }
  return makeError(Errc::kIo, fmt::format("{}: {}", what, std::strerror(e)));
}

socklen_t lenOf(const sockaddr_storage& a) {
  return a.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

// Asks for `bytes` of buffer; as root the *FORCE variant bypasses net.core.{r,w}mem_max,
// which is what lets a default install take 500 Mbps without tuning the host.
int setBuffer(int fd, bool receive, int bytes) {
  int force = receive ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
  int plain = receive ? SO_RCVBUF : SO_SNDBUF;
  if (setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof bytes);
  }
  int got = 0;
  socklen_t len = sizeof got;
  getsockopt(fd, SOL_SOCKET, plain, &got, &len);
  return got;
}

core::Result<Fd> openSocket(int family) {
  Fd fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return sysError("socket");
  }
  return fd;
}

}  // namespace

core::Result<UdpSocket> UdpSocket::openReceiver(const UdpReceiverConfig& cfg) {
  auto fd = openSocket(cfg.address.ss_family);
  if (!fd) {
    return fd.error();
  }
  UdpSocket s;
  s.fd_ = std::move(*fd);
  int sock = s.fd_.get();
  const bool multicast = isMulticast(cfg.address);
  if (multicast) {
    // Several receivers of one group on this host must be able to coexist.
    int one = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  s.buffer_size_ = setBuffer(sock, true, cfg.rcvbuf);
  // The kernel stamps each datagram with its arrival time, so that an SRT output can carry
  // the true arrival spacing even when the worker reads several datagrams per wake-up.
  int on = 1;
  setsockopt(sock, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);

  Interface iface;
  if (!cfg.interface.empty()) {
    auto found = findInterface(cfg.interface);
    if (!found) {
      return found.error();
    }
    iface = *found;
  }

  sockaddr_storage bind_addr = cfg.address;
  if (!multicast && !cfg.interface.empty() && isAny(cfg.address) && iface.ipv4.s_addr != 0) {
    reinterpret_cast<sockaddr_in*>(&bind_addr)->sin_addr = iface.ipv4;
  }
  if (::bind(sock, reinterpret_cast<const sockaddr*>(&bind_addr), lenOf(bind_addr)) != 0) {
    return sysError(fmt::format("bind {}", formatAddress(bind_addr)));
  }

  if (multicast) {
    if (cfg.address.ss_family != AF_INET) {
      return makeError(Errc::kInvalidArgument, "IPv6 multicast is not supported yet", "address");
    }
    const in_addr group = reinterpret_cast<const sockaddr_in*>(&cfg.address)->sin_addr;
    if (!cfg.source.empty()) {
      ip_mreq_source mreq{};
      mreq.imr_multiaddr = group;
      mreq.imr_interface = iface.ipv4;
      if (inet_pton(AF_INET, cfg.source.c_str(), &mreq.imr_sourceaddr) != 1) {
        return makeError(Errc::kInvalidArgument,
                         fmt::format("multicast source must be an IPv4 address, got '{}'",
                                     cfg.source),
                         "multicast_source");
      }
      if (setsockopt(sock, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
        return sysError("join source-specific multicast group");
      }
    } else {
      ip_mreqn mreq{};
      mreq.imr_multiaddr = group;
      mreq.imr_address = iface.ipv4;
      mreq.imr_ifindex = static_cast<int>(iface.index);
      if (setsockopt(sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
        return sysError("join multicast group");
      }
    }
  }
  return s;
}

core::Result<UdpSocket> UdpSocket::openSender(const UdpSenderConfig& cfg) {
  auto fd = openSocket(cfg.destination.ss_family);
  if (!fd) {
    return fd.error();
  }
  UdpSocket s;
  s.fd_ = std::move(*fd);
  int sock = s.fd_.get();
  s.buffer_size_ = setBuffer(sock, false, cfg.sndbuf);
  s.destination_ = cfg.destination;
  s.destination_len_ = lenOf(cfg.destination);
  const bool multicast = isMulticast(cfg.destination);

  Interface iface;
  if (!cfg.interface.empty()) {
    auto found = findInterface(cfg.interface);
    if (!found) {
      return found.error();
    }
    iface = *found;
  }
  if (cfg.local.ss_family != 0) {
    if (::bind(sock, reinterpret_cast<const sockaddr*>(&cfg.local), lenOf(cfg.local)) != 0) {
      return sysError(fmt::format("bind {}", formatAddress(cfg.local)));
    }
  }
  if (cfg.tos >= 0) {
    int tos = cfg.tos;
    setsockopt(sock, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  }
  if (multicast && cfg.destination.ss_family == AF_INET) {
    if (cfg.ttl >= 0) {
      unsigned char ttl = static_cast<unsigned char>(cfg.ttl);
      setsockopt(sock, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    }
    if (!cfg.interface.empty()) {
      ip_mreqn mreq{};
      mreq.imr_address = iface.ipv4;
      mreq.imr_ifindex = static_cast<int>(iface.index);
      if (setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) != 0) {
        return sysError("select multicast interface");
      }
    }
    unsigned char loop = 1;
    setsockopt(sock, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
  } else {
    if (cfg.ttl >= 0) {
      int ttl = cfg.ttl;
      setsockopt(sock, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    }
    if (!cfg.interface.empty() && !iface.name.empty()) {
      // SO_BINDTODEVICE pins unicast traffic to the chosen interface.
      setsockopt(sock, SOL_SOCKET, SO_BINDTODEVICE, iface.name.c_str(),
                 static_cast<socklen_t>(iface.name.size()));
    }
  }
  for (auto& h : s.send_hdrs_) {
    h.msg_hdr.msg_name = &s.destination_;
    h.msg_hdr.msg_namelen = s.destination_len_;
    h.msg_hdr.msg_iovlen = 1;
  }
  return s;
}

uint16_t UdpSocket::localPort() const {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return 0;
  }
  return portOf(a);
}

int UdpSocket::receive(DatagramBatch& batch, int& truncated) {
  mmsghdr* hdrs = batch.recvHeaders();
  int n = ::recvmmsg(fd_.get(), hdrs, DatagramBatch::kCapacity, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    batch.setSize(0);
    return 0;
  }
  for (int i = 0; i < n; ++i) {
    if ((hdrs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      ++truncated;
    }
    batch.setLength(i, static_cast<int>(hdrs[i].msg_len));
  }
  batch.setSize(n);
  return n;
}

int UdpSocket::send(DatagramBatch& batch, int first) {
  const int total = batch.size() - first;
  if (total <= 0) {
    return 0;
  }
  // The message headers are ours (they carry our destination); only the iovecs point into
  // the shared batch, which no one writes while outputs send.
  // Fix the destination pointer here too: the socket object may have moved since open.
  for (int i = 0; i < total; ++i) {
    auto& h = send_hdrs_[static_cast<size_t>(i)].msg_hdr;
    h.msg_name = &destination_;
    h.msg_iov = batch.iov(first + i);
  }
  int done = 0;      // datagrams the kernel took or that failed for good
  int accepted = 0;  // of which the kernel took
  while (done < total) {
    int n = ::sendmmsg(fd_.get(), send_hdrs_.data() + done, static_cast<unsigned>(total - done),
                       MSG_DONTWAIT);
    if (n > 0) {
      done += n;
      accepted += n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      break;  // the socket buffer is full: the rest is dropped, not waited for
    }
    // Any other error (e.g. a transient ICMP-driven one) costs the datagram at hand only.
    ++done;
  }
  return accepted;
}

}  // namespace srtgw::net
