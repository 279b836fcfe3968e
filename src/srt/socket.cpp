#include "srt/socket.hpp"

#include <srt/access_control.h>
#include <srt/srt.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace srtgw::srt {

static_assert(kRejectUnauthorized == SRT_REJX_UNAUTHORIZED && kRejectOverload == SRT_REJX_OVERLOAD &&
              kRejectForbidden == SRT_REJX_FORBIDDEN && kRejectNotFound == SRT_REJX_NOTFOUND &&
              kRejectConflict == SRT_REJX_CONFLICT);

namespace {

using core::Errc;
using core::makeError;

core::Error srtError(std::string what) {
  return makeError(Errc::kSrt, fmt::format("{}: {}", what, srt_getlasterror_str()));
}

template <typename T>
core::Result<void> setFlag(SocketId s, SRT_SOCKOPT opt, const T& v, const char* field) {
  if (srt_setsockflag(s, opt, &v, sizeof v) == SRT_ERROR) {
    return makeError(Errc::kInvalidArgument, fmt::format("{}: {}", field, srt_getlasterror_str()),
                     field);
  }
  return core::ok();
}

core::Result<void> setString(SocketId s, SRT_SOCKOPT opt, const std::string& v, const char* field,
                             bool secret) {
  if (srt_setsockflag(s, opt, v.data(), static_cast<int>(v.size())) == SRT_ERROR) {
    // A secret's value never goes into an error message.
    std::string msg = secret ? fmt::format("{} rejected by libsrt", field)
                             : fmt::format("{}: {}", field, srt_getlasterror_str());
    return makeError(Errc::kInvalidArgument, msg, field);
  }
  return core::ok();
}

core::Result<void> applyOptions(SocketId s, const SrtOptions& o) {
  const bool no = false;
  const bool yes = true;
  const SRT_TRANSTYPE live = SRTT_LIVE;
  core::Result<void> r;
#define SRTGW_TRY(expr)   \
  if (!(r = (expr))) {    \
    return r;             \
  }
  SRTGW_TRY(setFlag(s, SRTO_TRANSTYPE, live, "transtype"));
  SRTGW_TRY(setFlag(s, SRTO_RCVSYN, no, "rcvsyn"));
  SRTGW_TRY(setFlag(s, SRTO_SNDSYN, no, "sndsyn"));
  // Never let a wrong passphrase connect and deliver garbage (libsrt 1.5.1 does that when
  // both sides turn enforcement off).
  SRTGW_TRY(setFlag(s, SRTO_ENFORCEDENCRYPTION, yes, "enforcedencryption"));
  if (o.latency_ms) SRTGW_TRY(setFlag(s, SRTO_LATENCY, *o.latency_ms, "latency_ms"));
  if (o.rcv_latency_ms) SRTGW_TRY(setFlag(s, SRTO_RCVLATENCY, *o.rcv_latency_ms, "rcv_latency_ms"));
  if (o.peer_latency_ms)
    SRTGW_TRY(setFlag(s, SRTO_PEERLATENCY, *o.peer_latency_ms, "peer_latency_ms"));
  if (o.payload_size) SRTGW_TRY(setFlag(s, SRTO_PAYLOADSIZE, *o.payload_size, "payload_size"));
  if (o.passphrase && !o.passphrase->empty())
    SRTGW_TRY(setString(s, SRTO_PASSPHRASE, *o.passphrase, "passphrase", true));
  if (o.pbkeylen) SRTGW_TRY(setFlag(s, SRTO_PBKEYLEN, *o.pbkeylen, "pbkeylen"));
  if (o.stream_id && !o.stream_id->empty())
    SRTGW_TRY(setString(s, SRTO_STREAMID, *o.stream_id, "stream_id", false));
  if (o.fec) SRTGW_TRY(setString(s, SRTO_PACKETFILTER, o.fec->toFilterString(), "fec", false));
  if (o.tlpktdrop) SRTGW_TRY(setFlag(s, SRTO_TLPKTDROP, *o.tlpktdrop, "tlpktdrop"));
  if (o.tsbpd_mode) SRTGW_TRY(setFlag(s, SRTO_TSBPDMODE, *o.tsbpd_mode, "tsbpdmode"));
  if (o.conn_timeout_ms) SRTGW_TRY(setFlag(s, SRTO_CONNTIMEO, *o.conn_timeout_ms, "conn_timeout_ms"));
  if (o.peer_idle_timeout_ms)
    SRTGW_TRY(setFlag(s, SRTO_PEERIDLETIMEO, *o.peer_idle_timeout_ms, "peer_idle_timeout_ms"));
  if (o.flow_window) SRTGW_TRY(setFlag(s, SRTO_FC, *o.flow_window, "flow_window"));
  if (o.rcvbuf) SRTGW_TRY(setFlag(s, SRTO_RCVBUF, *o.rcvbuf, "rcvbuf"));
  if (o.sndbuf) SRTGW_TRY(setFlag(s, SRTO_SNDBUF, *o.sndbuf, "sndbuf"));
  if (o.ip_ttl) SRTGW_TRY(setFlag(s, SRTO_IPTTL, *o.ip_ttl, "ttl"));
  if (o.ip_tos) SRTGW_TRY(setFlag(s, SRTO_IPTOS, *o.ip_tos, "tos"));
  if (o.nak_report) SRTGW_TRY(setFlag(s, SRTO_NAKREPORT, *o.nak_report, "nak_report"));
  if (o.loss_max_ttl) SRTGW_TRY(setFlag(s, SRTO_LOSSMAXTTL, *o.loss_max_ttl, "loss_max_ttl"));
  if (o.input_bw) SRTGW_TRY(setFlag(s, SRTO_INPUTBW, *o.input_bw, "input_bw"));
  if (o.overhead_pct) SRTGW_TRY(setFlag(s, SRTO_OHEADBW, *o.overhead_pct, "overhead_pct"));
  if (o.max_bw) SRTGW_TRY(setFlag(s, SRTO_MAXBW, *o.max_bw, "max_bw"));
#undef SRTGW_TRY
  return core::ok();
}

int listenTrampoline(void* opaque, SRTSOCKET ns, int, const sockaddr* peer, const char* sid) {
  auto* gate = static_cast<ListenGate*>(opaque);
  sockaddr_storage addr{};
  if (peer != nullptr) {
    std::memcpy(&addr, peer, peer->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
  }
  int code = gate->onConnectRequest(addr, sid != nullptr ? std::string_view(sid) : std::string_view());
  if (code != 0) {
    srt_setrejectreason(ns, code);
    return -1;
  }
  return 0;
}

socklen_t addrLen(const sockaddr_storage& a) {
  return a.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

}  // namespace

Socket::~Socket() { close(); }

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    close();
    id_ = o.release();
  }
  return *this;
}

void Socket::close() {
  if (id_ != kInvalidSocket) {
    srt_close(id_);
    id_ = kInvalidSocket;
  }
}

core::Result<Socket> Socket::create(const SrtOptions& opts) {
  SocketId id = srt_create_socket();
  if (id == SRT_INVALID_SOCK) {
    return srtError("srt_create_socket");
  }
  Socket sock(id);
  if (auto r = applyOptions(id, opts); !r) {
    return r.error();
  }
  return sock;
}

core::Result<void> Socket::setRendezvous() {
  const bool yes = true;
  return setFlag(id_, SRTO_RENDEZVOUS, yes, "mode");
}

namespace {

// libsrt reports a port held by a plain UDP socket as a vague "connection setup failure";
// a short-lived probe bind on the same address says plainly that the port is taken.
bool portTakenByOthers(const sockaddr_storage& local) {
  const uint16_t port = local.ss_family == AF_INET6
                            ? ntohs(reinterpret_cast<const sockaddr_in6*>(&local)->sin6_port)
                            : ntohs(reinterpret_cast<const sockaddr_in*>(&local)->sin_port);
  if (port == 0) {
    return false;
  }
  int fd = ::socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  const bool taken = ::bind(fd, reinterpret_cast<const sockaddr*>(&local), addrLen(local)) != 0 &&
                     errno == EADDRINUSE;
  ::close(fd);
  return taken;
}

}  // namespace

core::Result<void> Socket::bind(const sockaddr_storage& local) {
  // srt_bind first: a port our own closed listener still holds (libsrt frees it a second or
  // so later) is shared through libsrt's multiplexer, which a probe bind would call taken.
  if (srt_bind(id_, reinterpret_cast<const sockaddr*>(&local), static_cast<int>(addrLen(local))) ==
      SRT_ERROR) {
    int err = srt_getlasterror(nullptr);
    std::string text = srt_getlasterror_str();
    if (portTakenByOthers(local)) {
      return makeError(Errc::kAddressInUse, "address in use: the port is taken by another program");
    }
    if (err == SRT_EDUPLISTEN || err == SRT_ECONNSETUP || text.find("in use") != std::string::npos) {
      return makeError(Errc::kAddressInUse, "address in use: " + text);
    }
    return makeError(Errc::kSrt, "bind: " + text);
  }
  return core::ok();
}

core::Result<void> Socket::listen(int backlog) {
  if (srt_listen(id_, backlog) == SRT_ERROR) {
    int err = srt_getlasterror(nullptr);
    std::string text = srt_getlasterror_str();
    if (err == SRT_EDUPLISTEN) {
      return makeError(Errc::kAddressInUse, "address in use: another listener holds this port");
    }
    return makeError(Errc::kSrt, "listen: " + text);
  }
  return core::ok();
}

core::Result<void> Socket::connect(const sockaddr_storage& remote) {
  if (srt_connect(id_, reinterpret_cast<const sockaddr*>(&remote),
                  static_cast<int>(addrLen(remote))) == SRT_ERROR) {
    return srtError("connect");
  }
  return core::ok();
}

core::Result<Socket> Socket::accept(sockaddr_storage* peer) {
  sockaddr_storage addr{};
  int len = sizeof addr;
  SocketId s = srt_accept(id_, reinterpret_cast<sockaddr*>(&addr), &len);
  if (s == SRT_INVALID_SOCK) {
    if (srt_getlasterror(nullptr) == SRT_EASYNCRCV) {
      return Socket();
    }
    return srtError("accept");
  }
  if (peer != nullptr) {
    *peer = addr;
  }
  return Socket(s);
}

core::Result<void> Socket::setListenGate(ListenGate* gate) {
  if (srt_listen_callback(id_, &listenTrampoline, gate) == SRT_ERROR) {
    return srtError("listen callback");
  }
  return core::ok();
}

LinkState Socket::state() const {
  switch (srt_getsockstate(id_)) {
    case SRTS_INIT: return LinkState::kInit;
    case SRTS_OPENED: return LinkState::kOpened;
    case SRTS_LISTENING: return LinkState::kListening;
    case SRTS_CONNECTING: return LinkState::kConnecting;
    case SRTS_CONNECTED: return LinkState::kConnected;
    case SRTS_BROKEN: return LinkState::kBroken;
    default: return LinkState::kClosed;
  }
}

int Socket::rejectCode() const { return srt_getrejectreason(id_); }

std::string Socket::rejectReason() const { return rejectReasonText(rejectCode()); }

uint16_t Socket::localPort() const {
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (srt_getsockname(id_, reinterpret_cast<sockaddr*>(&addr), &len) == SRT_ERROR) {
    return 0;
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

std::string Socket::streamId() const {
  char buf[513];
  int len = sizeof buf;
  if (srt_getsockflag(id_, SRTO_STREAMID, buf, &len) == SRT_ERROR || len <= 0) {
    return {};
  }
  return std::string(buf, static_cast<size_t>(len));
}

sockaddr_storage Socket::peerAddress() const {
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (srt_getpeername(id_, reinterpret_cast<sockaddr*>(&addr), &len) == SRT_ERROR) {
    addr = {};
  }
  return addr;
}

int recvMessage(SocketId s, uint8_t* buf, int len) {
  int n = srt_recvmsg2(s, reinterpret_cast<char*>(buf), len, nullptr);
  if (n > 0) {
    return n;
  }
  if (n == SRT_ERROR && srt_getlasterror(nullptr) == SRT_EASYNCRCV) {
    return 0;
  }
  return -1;
}

SendStatus sendMessage(SocketId s, const uint8_t* buf, int len, int64_t source_time_us) {
  int n = 0;
  if (source_time_us > 0) {
    SRT_MSGCTRL ctrl = srt_msgctrl_default;
    ctrl.srctime = source_time_us;
    n = srt_sendmsg2(s, reinterpret_cast<const char*>(buf), len, &ctrl);
  } else {
    n = srt_sendmsg2(s, reinterpret_cast<const char*>(buf), len, nullptr);
  }
  if (n != SRT_ERROR) {
    return SendStatus::kSent;
  }
  int err = srt_getlasterror(nullptr);
  if (err == SRT_EASYNCSND) {
    return SendStatus::kFull;
  }
  return SendStatus::kBroken;
}

int64_t timeNowUs() { return srt_time_now(); }

bool isTimeoutReject(int code) { return code == SRT_REJ_TIMEOUT; }

std::string rejectReasonText(int code) {
  switch (code) {
    case SRT_REJX_UNAUTHORIZED: return "1401 unauthorized";
    case SRT_REJX_OVERLOAD: return "1402 overloaded (too many clients)";
    case SRT_REJX_FORBIDDEN: return "1403 forbidden";
    case SRT_REJX_NOTFOUND: return "1404 not found";
    case SRT_REJX_BAD_MODE: return "1405 bad mode";
    case SRT_REJX_CONFLICT: return "1409 conflict (a publisher is already connected)";
    case SRT_REJ_BADSECRET: return "wrong passphrase";
    case SRT_REJ_UNSECURE: return "passphrase required on both sides";
    case SRT_REJ_TIMEOUT: return "connection timed out";
    case SRT_REJ_PEER: return "rejected by peer";
    default: break;
  }
  if (code >= 1000) {
    return fmt::format("{} rejected by peer application", code);
  }
  return srt_rejectreason_str(code);
}

std::string lastErrorText() { return srt_getlasterror_str(); }

}  // namespace srtgw::srt
