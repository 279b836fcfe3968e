#pragma once
// The secrets of authentication, made and checked with libsodium: argon2id password hashes,
// random bearer tokens (shown once; stored as SHA-256 hashes), the CSRF token that belongs
// to a session token, and comparisons that take the same time whatever the bytes.

#include <optional>
#include <string>
#include <string_view>

namespace srtgw::control {

enum class Role { kViewer = 1, kOperator = 2, kAdmin = 3 };

std::optional<Role> parseRole(std::string_view text);
const char* toString(Role role);

/// Initialises libsodium; false if it cannot (then nothing here may be used).
bool initCrypto();

/// argon2id (libsodium's interactive limits: 64 MiB, 2 passes); "" if out of memory.
std::string hashPassword(std::string_view password);
/// Constant work whether or not the password matches.
bool verifyPassword(const std::string& hash, std::string_view password);

/// A new random token: `prefix` + 43 characters of base64url (256 bits).
std::string newToken(std::string_view prefix);
/// A random password for the first admin when none was given: 24 characters of base64url.
std::string newPassword();
/// Lower-case hex SHA-256 of the token, as stored.
std::string tokenHash(std::string_view token);
/// The CSRF token of a session token (a keyed hash: unguessable without the token itself).
std::string csrfTokenFor(std::string_view token);
/// Equality that does not stop at the first differing byte.
bool sameSecret(std::string_view a, std::string_view b);

inline constexpr std::string_view kSessionPrefix = "srtgw_s_";
inline constexpr std::string_view kApiTokenPrefix = "srtgw_t_";

}  // namespace srtgw::control
