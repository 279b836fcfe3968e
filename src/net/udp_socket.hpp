#pragma once
// UDP sockets for the data plane: unicast and multicast (ASM and SSM), large buffers,
// batched non-blocking I/O with recvmmsg/sendmmsg.

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "net/datagram_batch.hpp"
#include "net/fd.hpp"

namespace srtgw::net {

inline constexpr int kDefaultUdpBuffer = 8 * 1024 * 1024;

struct UdpReceiverConfig {
  sockaddr_storage address{};  // local address or multicast group, with the port
  std::string interface;       // name or IPv4 address; multicast join / bind
  std::string source;          // SSM sender address (IPv4)
  int rcvbuf = kDefaultUdpBuffer;
};

struct UdpSenderConfig {
  sockaddr_storage destination{};
  std::string interface;  // outgoing interface (name or IPv4 address)
  sockaddr_storage local{};  // optional local bind (adapter, source port)
  int ttl = -1;              // -1: system default (multicast 1, unicast 64)
  int tos = -1;
  int sndbuf = kDefaultUdpBuffer;
};

class UdpSocket {
 public:
  UdpSocket() = default;
  static core::Result<UdpSocket> openReceiver(const UdpReceiverConfig& cfg);
  static core::Result<UdpSocket> openSender(const UdpSenderConfig& cfg);

  int fd() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }
  uint16_t localPort() const;
  /// The buffer size the kernel actually granted (bytes, as getsockopt reports it).
  int bufferSize() const { return buffer_size_; }

  /// Owner thread: receives up to a batch without blocking. Returns datagrams read (0 when
  /// none); `truncated` counts datagrams larger than a slot.
  int receive(DatagramBatch& batch, int& truncated);

  /// Any single thread: sends datagrams [first, batch.size()) without blocking.
  /// Returns how many were accepted by the kernel; the rest would have blocked.
  int send(DatagramBatch& batch, int first = 0);

 private:
  Fd fd_;
  sockaddr_storage destination_{};
  socklen_t destination_len_ = 0;
  int buffer_size_ = 0;
  std::array<mmsghdr, DatagramBatch::kCapacity> send_hdrs_{};
};

}  // namespace srtgw::net
