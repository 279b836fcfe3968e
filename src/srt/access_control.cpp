#include "srt/access_control.hpp"

#include <algorithm>

#include "srt/stream_id.hpp"

namespace srtgw::srt {
namespace {

// Compares without stopping at the first difference (the token is a secret).
bool sameToken(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

bool listed(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

AccessDecision decideAccess(const AccessRules& rules, std::string_view stream_id, bool publishing_endpoint) {
  if (rules.empty()) {
    return {};
  }
  auto parsed = parseStreamId(stream_id);
  if (!parsed) {
    return {kRejectBadRequest, parsed.error().message};
  }
  const StreamIdFields& f = *parsed;
  const SrtUser* user = nullptr;
  if (!rules.users.empty()) {
    if (f.user.empty() || f.session.empty()) {
      return {1401, "credentials required: streamid #!::u=USER,s=TOKEN"};
    }
    bool good = false;
    for (const auto& u : rules.users) {
      // Every entry is compared, so the time taken does not tell which names exist.
      const bool match = u.name == f.user && sameToken(u.token, f.session);
      if (match && !good) {
        good = true;
        user = &u;
      }
    }
    if (!good) {
      return {1401, "unknown user or wrong token for user '" + printable(f.user.substr(0, 64)) + "'"};
    }
  }
  if (!rules.stream_ids.empty() && !listed(rules.stream_ids, f.resource)) {
    return {1404, "stream id '" + printable(f.resource.substr(0, 128)) + "' is not served here"};
  }
  if (user != nullptr && !user->stream_ids.empty() && !listed(user->stream_ids, f.resource)) {
    return {1403, "user '" + user->name + "' may not use stream id '" + printable(f.resource.substr(0, 128)) + "'"};
  }
  if (publishing_endpoint && f.mode == "request") {
    return {1403, "this is an input: it takes publishers (m=publish), not m=request"};
  }
  if (!publishing_endpoint && f.mode == "publish") {
    return {1403, "this is an output: it serves receivers (m=request), not m=publish"};
  }
  return {};
}

}  // namespace srtgw::srt
