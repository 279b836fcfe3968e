#pragma once
// Webhook request signing and delivery ids (libsodium stays private to webhook_signature.cpp).

#include <string>
#include <string_view>

namespace srtgw::control {

/// Any thread: lower-case hex HMAC-SHA256 of `body` keyed with `secret` (any length).
std::string hmacSha256Hex(std::string_view secret, std::string_view body);

/// Any thread: a random UUID (version 4), unique per delivery.
std::string newDeliveryId();

}  // namespace srtgw::control
