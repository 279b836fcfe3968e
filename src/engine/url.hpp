#pragma once
// srt-live-transmit style URLs:
//   srt://[host]:port?mode=listener|caller|rendezvous&latency=..&passphrase=..&adapter=..&port=..
//   udp://[host]:port?ttl=..&iptos=..&adapter=..&source=..&rcvbuf=..&sndbuf=..
// Empty SRT host means listener, a host means caller, `mode=` overrides.

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "engine/spec.hpp"

namespace srtgw::engine {

core::Result<EndpointSpec> parseEndpointUrl(std::string_view url);

/// Decodes %XX escapes (ffmpeg-style URLs may escape '#' as %23 in streamid).
std::string percentDecode(std::string_view text);

}  // namespace srtgw::engine
