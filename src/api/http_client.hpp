#pragma once
// A small synchronous HTTP/1.1 client (Boost.Beast, kept inside http_client.cpp): one POST per
// connection, with an overall timeout, cancellable through a stop token. It is the Poster the
// webhook dispatcher uses.

#include <stop_token>

#include "control/webhook_poster.hpp"

namespace srtgw::api {

/// Any thread (blocks it for at most req.timeout, or until `stop` is requested): sends the POST
/// with `Connection: close` and returns the response status, or why there is none.
control::PostOutcome httpPost(const control::OutboundPost& req, std::stop_token stop);

}  // namespace srtgw::api
