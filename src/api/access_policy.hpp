#pragma once
// Which role each route needs. One table, so that a route added later is denied to all but
// admins until somebody decides otherwise.

#include <optional>
#include <string>

namespace srtgw::api {

/// The minimum role (1 viewer, 2 operator, 3 admin) for (method, route pattern), or nothing
/// for a public route (no credentials at all).
std::optional<int> requiredRole(const std::string& method, const std::string& pattern, bool metrics_public);

}  // namespace srtgw::api
