#pragma once
// RAII for libsrt sockets, plus the few non-blocking calls the engine's hot path makes.
// Only src/srt/ includes <srt/srt.h>; everything here speaks plain ints and sockaddrs.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "srt/options.hpp"

namespace srtgw::srt {

using SocketId = int;
inline constexpr SocketId kInvalidSocket = -1;

/// Decides on an incoming caller before the handshake completes (libsrt's listen callback).
class ListenGate {
 public:
  virtual ~ListenGate() = default;
  /// Called on libsrt's receive thread. Returns 0 to accept, or a reject code:
  /// 1000 + an HTTP-like status (1401 unauthorized, 1403 forbidden, 1409 conflict ...).
  virtual int onConnectRequest(const sockaddr_storage& peer, std::string_view stream_id) noexcept = 0;
};

// Application reject codes (libsrt access_control.h), sent back to a refused caller.
inline constexpr int kRejectUnauthorized = 1401;
inline constexpr int kRejectOverload = 1402;
inline constexpr int kRejectForbidden = 1403;
inline constexpr int kRejectNotFound = 1404;
inline constexpr int kRejectConflict = 1409;

enum class SendStatus { kSent, kFull, kBroken };

/// Connection state, reduced from SRT_SOCKSTATUS.
enum class LinkState { kInit, kOpened, kListening, kConnecting, kConnected, kBroken, kClosed };

class Socket {
 public:
  Socket() = default;
  ~Socket();
  Socket(Socket&& o) noexcept : id_(o.release()) {}
  Socket& operator=(Socket&& o) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  /// Creates a non-blocking live-mode socket with every option of `opts` that must be set
  /// before connecting. Enforced encryption is always on.
  static core::Result<Socket> create(const SrtOptions& opts);

  SocketId id() const { return id_; }
  bool valid() const { return id_ != kInvalidSocket; }
  SocketId release() {
    SocketId s = id_;
    id_ = kInvalidSocket;
    return s;
  }
  void close();

  core::Result<void> setRendezvous();
  core::Result<void> bind(const sockaddr_storage& local);
  core::Result<void> listen(int backlog);
  /// Non-blocking: completion is an epoll OUT (connected) or ERR (failed) event.
  core::Result<void> connect(const sockaddr_storage& remote);
  /// Non-blocking accept; an invalid Socket when no caller is waiting.
  core::Result<Socket> accept(sockaddr_storage* peer);
  /// The gate must outlive the listening socket.
  core::Result<void> setListenGate(ListenGate* gate);

  LinkState state() const;
  /// Why the last connect failed, as text ("wrong passphrase", "1409 conflict" ...).
  std::string rejectReason() const;
  int rejectCode() const;
  uint16_t localPort() const;
  std::string streamId() const;
  sockaddr_storage peerAddress() const;

 private:
  explicit Socket(SocketId id) : id_(id) {}
  SocketId id_ = kInvalidSocket;
};

// Hot path, callable from any thread on a socket id (libsrt checks the id; a closed id
// fails cleanly). No allocation, no logging.

/// >0: bytes read; 0: nothing to read now; -1: the connection is gone.
int recvMessage(SocketId s, uint8_t* buf, int len);
/// `source_time_us`: when the data really arrived, on libsrt's clock (timeNowUs); the
/// packet is stamped with it, so the receiver plays it out with the original spacing.
/// 0 stamps it now. It must not be earlier than the connection was made: libsrt rejects
/// such a packet (callers keep a floor per connection).
SendStatus sendMessage(SocketId s, const uint8_t* buf, int len, int64_t source_time_us = 0);

/// libsrt's clock (steady, microseconds): the clock of source times.
int64_t timeNowUs();

/// True when a connect failed because the peer never answered (not a rejection).
bool isTimeoutReject(int code);

/// Text for a reject code from srt_getrejectreason (libsrt's or 1000+ application codes).
std::string rejectReasonText(int code);

/// libsrt's last error on this thread, as text (call right after the failing call).
std::string lastErrorText();

}  // namespace srtgw::srt
