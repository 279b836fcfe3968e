#pragma once
// Who may connect to an SRT listener (input or output), decided from the caller's streamid
// before the handshake completes. Pure code: the engine's listen gates call decide() on
// libsrt's receive thread, so it takes no lock and does no I/O.
//
// Rules, all optional (no rules: everyone may connect, as before):
//  - stream_ids: the resources served here; a caller asking for another one gets 1404.
//  - users: name + token pairs; the caller must send "#!::u=NAME,s=TOKEN" (or %23!::),
//    else 1401. A user may be limited to some stream_ids (else 1403).
//  - the m= key must suit the endpoint: an input takes publishers ("publish"), an output
//    serves receivers ("request", the default); the wrong one gets 1403.
// A malformed structured streamid gets 1400 when any rule is set.

#include <string>
#include <string_view>
#include <vector>

namespace srtgw::srt {

struct SrtUser {
  std::string name;
  std::string token;  // a secret: never logged or shown
  std::vector<std::string> stream_ids;  // empty: every stream id of the endpoint
  bool operator==(const SrtUser&) const = default;
};

struct AccessRules {
  std::vector<std::string> stream_ids;
  std::vector<SrtUser> users;
  bool empty() const { return stream_ids.empty() && users.empty(); }
  bool operator==(const AccessRules&) const = default;
};

struct AccessDecision {
  int code = 0;        // 0 to accept, else 1400/1401/1403/1404
  std::string reason;  // for the rejection event; never contains the token
};

/// `publishing_endpoint`: true for an input (callers send to us), false for an output.
AccessDecision decideAccess(const AccessRules& rules, std::string_view stream_id, bool publishing_endpoint);

inline constexpr int kRejectBadRequest = 1400;

}  // namespace srtgw::srt
