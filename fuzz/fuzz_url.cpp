// Fuzz target: srt:// and udp:// URLs (engine/url.cpp), as `srtgw relay` reads them from the
// command line, then the full check of the resulting spec (engine/spec.cpp, srt/options.cpp).
// Properties: never throws or crashes; an error names a field; a parsed SRT endpoint has a
// remote host exactly when it is not a listener; percent-decoding never grows the text; no
// error quotes the passphrase.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <string_view>

#include "engine/url.hpp"

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// The URL with the value of its "passphrase" query key replaced by a canary of the same
// length (a passphrase is 10 to 80 characters), and the canary; nothing when there is no
// such key or the canary would appear elsewhere too.
std::optional<std::pair<std::string, std::string>> withCanaryPassphrase(std::string_view url) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) {
    return std::nullopt;
  }
  size_t pos = q + 1;
  while (pos < url.size()) {
    const size_t amp = url.find('&', pos);
    const size_t end = amp == std::string_view::npos ? url.size() : amp;
    if (url.substr(pos, end - pos).starts_with("passphrase=")) {
      const size_t len = end - pos - 11;
      if (len < 10 || len > 80) {
        return std::nullopt;
      }
      std::string canary;
      while (canary.size() < len) {
        canary += "Zq9~canary~";
      }
      canary.resize(len);
      std::string out(url);
      out.replace(pos + 11, len, canary);
      if (out.find(canary) != out.rfind(canary)) {
        return std::nullopt;
      }
      return std::make_pair(out, canary);
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace srtgw::engine;
  const std::string_view url(reinterpret_cast<const char*>(data), size);

  check(percentDecode(url).size() <= url.size());

  auto spec = parseEndpointUrl(url);
  if (!spec) {
    if (auto planted = withCanaryPassphrase(url)) {
      auto again = parseEndpointUrl(planted->first);
      check(again.ok() || again.error().message.find(planted->second) == std::string::npos);
    }
    check(!spec.error().message.empty());
    check(!spec.error().field.empty());
    return 0;
  }
  if (spec->transport == Transport::kSrt) {
    check(spec->host.empty() == (spec->mode == SrtMode::kListener));
  }
  (void)spec->describe();
  for (bool is_input : {true, false}) {
    auto valid = spec->validate(is_input);
    if (!valid) {
      check(!valid.error().message.empty());
    }
  }
  return 0;
}
