#pragma once
// Who may do what: users (admin, operator, viewer) with argon2id passwords, login sessions,
// API tokens for scripts, and failed-login rate limiting. The operations behind
// /api/v1/auth/*, /api/v1/users and /api/v1/tokens, and authenticate() for every request.
//
// Threads: any HTTP thread. One mutex serializes the database connection (the service owns
// its own, never shared) and the limiter; password hashing runs outside it so that a login
// never holds up other requests.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "control/credentials.hpp"
#include "control/login_limiter.hpp"
#include "control/reply.hpp"
#include "store/db.hpp"

namespace srtgw::control {

struct AuthServiceConfig {
  std::string db_path;                          // the gateway's (migrated) database
  int64_t session_ttl_ms = 12LL * 3600 * 1000;  // a login lasts this long
  LoginLimits limits;
};

/// The caller of a request, once authenticated.
struct Principal {
  int64_t user_id = 0;  // 0 for an API token
  std::string name;     // user name, or "token:<name>"
  Role role = Role::kViewer;
  bool session = false;  // a login session (cookie or bearer), not an API token
  std::string csrf;      // the session's CSRF token ("" for API tokens)
  std::string token_hash;
};

struct LoginOutcome {
  Reply reply;               // 200 {token, csrf_token, user, expires_ms}, 400, 401 or 429
  int64_t retry_after_s = 0; // with 429
  std::string token;         // the new session token (for the cookie), "" on failure
};

class AuthService {
 public:
  explicit AuthService(AuthServiceConfig cfg);
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  /// Main thread: opens the database.
  core::Result<void> start();
  /// Main thread, after start(): with no user stored, creates `admin` with `password`, or
  /// with a random one when `password` is empty, which it returns (to be shown once).
  /// With users stored, does nothing and returns "".
  core::Result<std::string> bootstrapAdmin(const std::string& password);

  /// Any thread: the principal a bearer/session token stands for, if it is valid now.
  std::optional<Principal> authenticate(const std::string& token);

  /// HTTP threads: the auth endpoints. `peer` is the client's "address:port".
  LoginOutcome login(const nlohmann::json& body, const std::string& peer);
  Reply logout(const Principal& who);
  Reply me(const Principal& who);

  /// HTTP threads: /api/v1/users (admins only; the API layer checks the role).
  Reply listUsers(int64_t page, int64_t per_page);
  Reply getUser(int64_t id);
  Reply createUser(const nlohmann::json& body);
  Reply patchUser(int64_t id, const nlohmann::json& body, const Principal& who);
  Reply removeUser(int64_t id, const Principal& who);

  /// HTTP threads: /api/v1/tokens (admins only).
  Reply listTokens(int64_t page, int64_t per_page);
  Reply getToken(int64_t id);
  Reply createToken(const nlohmann::json& body, const Principal& who);
  Reply removeToken(int64_t id);

 private:
  AuthServiceConfig cfg_;
  std::mutex mu_;
  std::optional<store::Db> db_;  // guarded by mu_
  LoginLimiter limiter_;         // guarded by mu_
  std::string dummy_hash_;       // verified against for unknown users (equal timing)
};

/// Password rules, shared with the bootstrap: 8 to 1024 bytes. Returns why not, or "".
std::string passwordProblem(const std::string& password);

}  // namespace srtgw::control
