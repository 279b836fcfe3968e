#pragma once
// The request target as the router sees it: percent-decoding and query splitting.
// Pure code (no Beast), so the fuzz targets and unit tests reach exactly what the server runs.

#include <map>
#include <string>
#include <string_view>

namespace srtgw::api {

/// Any thread: decodes %XX escapes; a '%' without two hex digits is kept as typed. With
/// plus_is_space (query strings), '+' becomes ' '.
std::string decodePercent(std::string_view in, bool plus_is_space);

/// Any thread: splits "path?a=1&b" into the decoded path and decoded query parameters (a key
/// without '=' maps to ""; a repeated key keeps its last value).
void splitTarget(std::string_view target, std::string& path,
                 std::map<std::string, std::string>& query);

}  // namespace srtgw::api
