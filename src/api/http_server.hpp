#pragma once
// The HTTP/1.1 server (Boost.Beast, compiled in http_server.cpp only). It parses requests
// with hard limits (body 1 MiB -> 413, headers 16 KiB -> 431, idle 30 s), hands each one to
// the handler on one of its threads, and writes the answer back (keep-alive aware).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.hpp"
#include "api/ws_hub.hpp"
#include "core/result.hpp"

namespace srtgw::api {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 = any free port
  int threads = 2;
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  int idle_timeout_s = 30;
  std::string tls_cert;  // PEM certificate chain; with tls_key, the server speaks only TLS
  std::string tls_key;   // PEM private key
  std::string ws_path;       // a WebSocket upgrade on this path joins ws_hub
  WsHub* ws_hub = nullptr;
  // Asked before a WebSocket upgrade: nothing lets it go ahead, a response refuses it.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> ws_guard;
};

class HttpServer {
 public:
  HttpServer(HttpServerConfig cfg, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts the threads (`http-N`). The error says why it could not bind.
  core::Result<void> start();
  /// Stops accepting, closes connections, joins the threads. Idempotent.
  void stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Splits "host:port" (IPv6 as "[::1]:8080"); false if malformed.
bool splitHostPort(const std::string& text, std::string& host, uint16_t& port);

}  // namespace srtgw::api
