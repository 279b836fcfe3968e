// The only translation unit with Boost.Beast's client side.

#include "api/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <optional>

namespace srtgw::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// How often a running exchange looks at the stop token.
constexpr auto kStopPoll = std::chrono::milliseconds(50);

std::string hostHeader(const control::OutboundPost& req) {
  const bool v6 = req.host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + req.host + "]" : req.host;
  return req.port == 80 ? h : h + ":" + std::to_string(req.port);
}

}  // namespace

control::PostOutcome httpPost(const control::OutboundPost& req, std::stop_token stop) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  beast::flat_buffer buffer;
  http::request<http::string_body> request{http::verb::post, req.target, 11};
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  control::PostOutcome out;
  std::string stage = "connect";
  bool cancelled = false;  // by stop or the deadline; its reason is already in out.error

  request.set(http::field::host, hostHeader(req));
  request.set(http::field::connection, "close");
  for (const auto& [k, v] : req.headers) {
    request.set(k, v);
  }
  request.body() = req.body;
  request.prepare_payload();

  // The chain: resolve (skipped for an address) -> connect -> write -> read the header.
  auto fail = [&](beast::error_code ec) {
    if (cancelled) return;
    out.error = ec == beast::error::timeout
                    ? stage + ": timed out after " + std::to_string(req.timeout.count()) + " ms"
                    : stage + ": " + ec.message();
  };
  auto on_read = [&](beast::error_code ec, size_t) {
    if (ec) return fail(ec);
    out.status = static_cast<int>(parser.get().result_int());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  };
  auto on_write = [&](beast::error_code ec, size_t) {
    if (ec) return fail(ec);
    stage = "response";
    http::async_read_header(stream, buffer, parser, on_read);
  };
  auto on_connect = [&](beast::error_code ec, const tcp::endpoint&) {
    if (ec) return fail(ec);
    stage = "request";
    http::async_write(stream, request, on_write);
  };
  stream.expires_after(req.timeout);
  beast::error_code ec;
  const auto address = asio::ip::make_address(req.host, ec);
  if (!ec) {
    stream.async_connect(tcp::endpoint(address, req.port),
                         [&](beast::error_code e) { on_connect(e, tcp::endpoint()); });
  } else {
    stage = "resolve " + req.host;
    resolver.async_resolve(req.host, std::to_string(req.port),
                           [&](beast::error_code e, const tcp::resolver::results_type& results) {
                             if (e) return fail(e);
                             stage = "connect";
                             stream.async_connect(results, on_connect);
                           });
  }
  // Run in slices so that a stop request (shutdown, webhook deleted) ends the exchange soon.
  // The stream's own timer covers connect/write/read; the deadline here also covers the
  // name resolution.
  const auto deadline = std::chrono::steady_clock::now() + req.timeout;
  while (!ioc.stopped()) {
    ioc.run_for(kStopPoll);
    const bool stopping = stop.stop_requested();
    if (!cancelled && (stopping || std::chrono::steady_clock::now() > deadline)) {
      cancelled = true;
      out.error = stopping
                      ? std::string("stopped")
                      : stage + ": timed out after " + std::to_string(req.timeout.count()) + " ms";
      resolver.cancel();
      stream.cancel();
    }
  }
  return out;
}

}  // namespace srtgw::api
