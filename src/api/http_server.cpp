// The only translation unit that includes Boost.Beast's HTTP machinery.

#include "api/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/log.hpp"
#include "core/named_thread.hpp"
#include "api/url_decode.hpp"

namespace srtgw::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// A connection is plain TCP or TLS over TCP; the sessions below are written once for both.
template <class Stream>
inline constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

HttpRequest toRequest(const http::request<http::string_body>& r, const std::string& peer, bool tls) {
  HttpRequest req;
  req.tls = tls;
  req.method = std::string(r.method_string());
  req.target = std::string(r.target());
  req.peer = peer;
  splitTarget(req.target, req.path, req.query);
  for (const auto& f : r) {
    std::string name(f.name_string());
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    req.headers[name] = std::string(f.value());
  }
  req.body = r.body();
  return req;
}

namespace websocket = beast::websocket;

// One WebSocket client of the live feed. Writes go out one at a time from a bounded queue;
// a client that falls kMaxQueued messages behind is closed rather than buffered for.
template <class Next>
class WsSession : public WsClient, public std::enable_shared_from_this<WsSession<Next>> {
 public:
  WsSession(Next&& next, WsHub& hub) : ws_(std::move(next)), hub_(hub) {}

  void start(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) {
        return;
      }
      self->hub_.add(self);
      self->read();
    });
  }

  bool enqueue(std::shared_ptr<const std::string> message) override {
    std::lock_guard lock(mu_);
    if (closed_) {
      return false;
    }
    if (queue_.size() >= WsHub::kMaxQueued || queued_bytes_ + message->size() > WsHub::kMaxQueuedBytes) {
      closed_ = true;
      asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->shutdown(); });
      return false;
    }
    queued_bytes_ += message->size();
    queue_.push_back(std::move(message));
    if (!writing_) {
      writing_ = true;
      asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->writeNext(); });
    }
    return true;
  }

  void close() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->shutdown(); });
  }

 private:
  void read() {
    ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->gone();
        return;
      }
      self->hub_.onMessage(self.get(), beast::buffers_to_string(self->buf_.data()));
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void writeNext() {
    std::shared_ptr<const std::string> msg;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty() || closed_) {
        writing_ = false;
        return;
      }
      msg = queue_.front();
    }
    ws_.text(true);
    ws_.async_write(asio::buffer(*msg), [self = this->shared_from_this(), msg](beast::error_code ec, size_t) {
      if (ec) {
        self->gone();
        return;
      }
      {
        std::lock_guard lock(self->mu_);
        if (!self->queue_.empty()) {
          self->queued_bytes_ -= self->queue_.front()->size();
          self->queue_.pop_front();
        }
      }
      self->writeNext();
    });
  }

  void shutdown() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).socket().close(ec);
    gone();
  }

  void gone() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    hub_.remove(this);
  }

  websocket::stream<Next> ws_;
  WsHub& hub_;
  beast::flat_buffer buf_;
  std::mutex mu_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // guarded by mu_
  size_t queued_bytes_ = 0;                                // guarded by mu_
  bool writing_ = false;                                   // guarded by mu_
  bool closed_ = false;                                    // guarded by mu_
};

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `tls` is the server's TLS context, for a TLS session only.
  template <class... Tls>
  Session(tcp::socket socket, const HttpServerConfig& cfg, const HttpHandler& handler, Tls&... tls)
      : stream_(std::move(socket), tls...), cfg_(cfg), handler_(handler) {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) {
      peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
  }

  void run() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kIsTls<Stream>) {
        // The handshake gets the same deadline as a request: a silent client is cut off.
        beast::get_lowest_layer(self->stream_).expires_after(std::chrono::seconds(self->cfg_.idle_timeout_s));
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) {
            self->closeSocket();
            return;
          }
          self->read();
        });
      } else {
        self->read();
      }
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(cfg_.body_limit);
    parser_->header_limit(static_cast<uint32_t>(cfg_.header_limit));
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(cfg_.idle_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::ssl::error::stream_truncated) {
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      fail(413, "request body larger than " + std::to_string(cfg_.body_limit) + " bytes");
      return;
    }
    if (ec == http::error::header_limit) {
      fail(431, "request headers too large");
      return;
    }
    if (ec) {
      fail(400, "malformed HTTP request: " + ec.message());
      return;
    }
    const auto& raw = parser_->get();
    if (cfg_.ws_hub != nullptr && websocket::is_upgrade(raw)) {
      std::string path(raw.target());
      path = path.substr(0, path.find('?'));
      if (path == cfg_.ws_path) {
        if (cfg_.ws_guard) {
          if (auto refused = cfg_.ws_guard(toRequest(raw, peer_, kIsTls<Stream>))) {
            write(std::move(*refused), false);
            return;
          }
        }
        // The connection leaves HTTP for good: hand the socket to a WebSocket session.
        beast::get_lowest_layer(stream_).expires_never();
        std::make_shared<WsSession<Stream>>(std::move(stream_), *cfg_.ws_hub)->start(parser_->release());
        return;
      }
    }
    const bool keep_alive = raw.keep_alive();
    HttpResponse out;
    try {
      out = handler_(toRequest(raw, peer_, kIsTls<Stream>));
    } catch (const std::exception& e) {
      // The control plane may throw inside; it never takes the server down.
      spdlog::error("http {} {}: {}", std::string(raw.method_string()), std::string(raw.target()),
                    e.what());
      out = HttpResponse{500, "application/problem+json",
                         R"({"type":"about:blank","title":"Internal Server Error","status":500})", {}};
    }
    write(std::move(out), keep_alive, raw.method() == http::verb::head);
  }

  void fail(int status, const std::string& detail) {
    HttpResponse out;
    out.status = status;
    out.content_type = "application/problem+json";
    out.body = nlohmann::json{{"type", "about:blank"},
                              {"status", status},
                              {"title", std::string(http::obsolete_reason(static_cast<http::status>(status)))},
                              {"detail", detail}}
                   .dump();
    write(std::move(out), false);
  }

  // A HEAD answer says how long the body would be and sends none.
  void write(HttpResponse out, bool keep_alive, bool head = false) {
    res_ = {};
    res_.result(static_cast<unsigned>(out.status));
    res_.version(11);
    res_.set(http::field::server, "srtgw");
    if (!out.content_type.empty()) {
      res_.set(http::field::content_type, out.content_type);
    }
    for (auto& [k, v] : out.headers) {
      res_.set(k, v);
    }
    res_.keep_alive(keep_alive);
    res_.body() = std::move(out.body);
    if (head) {
      const auto size = res_.body().size();
      res_.body().clear();
      res_.content_length(size);
    } else {
      res_.prepare_payload();
    }
    http::async_write(stream_, res_,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) {
                          self->close();
                        } else {
                          self->read();
                        }
                      });
  }

  void close() {
    if constexpr (kIsTls<Stream>) {
      // close_notify, then the socket; bounded in time like everything else.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->closeSocket(); });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  void closeSocket() {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  const HttpServerConfig& cfg_;
  const HttpHandler& handler_;
  std::string peer_;
};

}  // namespace

bool splitHostPort(const std::string& text, std::string& host, uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return false;
  }
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string p = text.substr(colon + 1);
  int v = -1;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || v < 0 || v > 65535) {
    return false;
  }
  port = static_cast<uint16_t>(v);
  return true;
}

struct HttpServer::Impl {
  HttpServerConfig cfg;
  HttpHandler handler;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<asio::ssl::context> tls;  // set when a certificate and key are configured
  std::vector<core::NamedThread> threads;
  uint16_t port = 0;
  bool running = false;

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) {
        return;
      }
      if (!ec) {
        if (tls) {
          std::make_shared<Session<TlsStream>>(std::move(s), cfg, handler, *tls)->run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(s), cfg, handler)->run();
        }
      }
      accept();
    });
  }
};

HttpServer::HttpServer(HttpServerConfig cfg, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

core::Result<void> HttpServer::start() {
  std::string host;
  uint16_t port = 0;
  if (!splitHostPort(impl_->cfg.listen, host, port)) {
    return core::makeError(core::Errc::kInvalidArgument,
                           "listen address must be host:port, got '" + impl_->cfg.listen + "'",
                           "listen");
  }
  beast::error_code ec;
  auto addr = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) {
    return core::makeError(core::Errc::kInvalidArgument,
                           "listen address '" + host + "' is not an IP address", "listen");
  }
  if (!impl_->cfg.tls_cert.empty() || !impl_->cfg.tls_key.empty()) {
    if (impl_->cfg.tls_cert.empty() || impl_->cfg.tls_key.empty()) {
      return core::makeError(core::Errc::kInvalidArgument, "TLS needs both a certificate and a key", "tls_cert");
    }
    auto& ctx = impl_->tls.emplace(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                    asio::ssl::context::single_dh_use);
    ctx.use_certificate_chain_file(impl_->cfg.tls_cert, ec);
    if (ec) {
      return core::makeError(core::Errc::kInvalidArgument,
                             "cannot load the TLS certificate " + impl_->cfg.tls_cert + ": " + ec.message(), "tls_cert");
    }
    ctx.use_private_key_file(impl_->cfg.tls_key, asio::ssl::context::pem, ec);
    if (ec) {
      // The message names the file, never its content.
      return core::makeError(core::Errc::kInvalidArgument,
                             "cannot load the TLS key " + impl_->cfg.tls_key + ": " + ec.message(), "tls_key");
    }
  }
  tcp::endpoint ep(addr, port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (ec) {
    return core::makeError(ec == asio::error::address_in_use ? core::Errc::kAddressInUse
                                                             : core::Errc::kIo,
                           "cannot listen on " + impl_->cfg.listen + ": " + ec.message(), "listen");
  }
  acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::makeError(core::Errc::kIo, "listen: " + ec.message(), "listen");
  }
  impl_->port = acc.local_endpoint().port();
  impl_->accept();
  impl_->running = true;
  for (int i = 0; i < std::max(1, impl_->cfg.threads); ++i) {
    impl_->threads.emplace_back("http-" + std::to_string(i),
                                [this](std::stop_token) { impl_->ioc.run(); });
  }
  return core::ok();
}

void HttpServer::stop() {
  if (!impl_ || !impl_->running) {
    return;
  }
  impl_->running = false;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    t.stopAndJoin();
  }
  impl_->threads.clear();
}

uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace srtgw::api
