#pragma once
// How the webhook dispatcher sends a request, without knowing how: the api layer supplies a
// Poster (a small Beast client, src/api/http_client.hpp), tests may supply a fake. Keeps HTTP
// client code out of src/control.

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

namespace srtgw::control {

/// One HTTP/1.1 POST over plain TCP.
struct OutboundPost {
  std::string host;  // name or address (IPv6 without brackets)
  uint16_t port = 80;
  std::string target;  // path and query, "/hook?x=1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};  // for the whole exchange
};

/// What came back: a status (0 when there was no answer) or why there was none.
struct PostOutcome {
  int status = 0;
  std::string error;  // "" when a status was received; never holds a header value
};

/// Blocks the calling thread for at most the request's timeout; returns soon after `stop` is
/// requested (with an error).
using Poster = std::function<PostOutcome(const OutboundPost&, std::stop_token stop)>;

}  // namespace srtgw::control
