#include "control/auth_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>

#include "core/clock.hpp"
#include "store/auth_store.hpp"

namespace srtgw::control {
namespace {

using nlohmann::json;

Reply storeFailure(const core::Error& e) {
  // Store messages carry no secret (see AuthStore); still, say only what failed.
  spdlog::error("auth store: {}", e.message);
  return Reply::fail(500, "Internal Server Error", "the user database could not be read or written");
}

json userJson(const store::UserRecord& u) {
  return json{{"id", u.id},
              {"username", u.username},
              {"role", u.role},
              {"created_ms", u.created_ms},
              {"updated_ms", u.updated_ms}};
}

json tokenJson(const store::ApiTokenRecord& t) {
  return json{{"id", t.id},
              {"name", t.name},
              {"role", t.role},
              {"prefix", t.prefix},
              {"created_by", t.created_by},
              {"created_ms", t.created_ms},
              {"expires_ms", t.expires_ms},
              {"last_used_ms", t.last_used_ms}};
}

template <typename T, typename ToJson>
Reply page(const std::vector<T>& all, int64_t page, int64_t per_page, ToJson to_json) {
  json items = json::array();
  const int64_t first = (page - 1) * per_page;
  for (int64_t i = first; i < static_cast<int64_t>(all.size()) && i < first + per_page; ++i) {
    items.push_back(to_json(all[static_cast<size_t>(i)]));
  }
  return Reply::ok(json{{"items", std::move(items)}, {"total", all.size()}});
}

bool validUsername(const std::string& name) {
  static const std::regex kName("[a-z0-9][a-z0-9._-]{0,63}");
  return std::regex_match(name, kName);
}

// Checks that `body` is an object whose keys are all in `allowed`.
void unknownFields(const json& body, std::initializer_list<const char*> allowed, std::vector<FieldError>& errors) {
  for (const auto& [k, v] : body.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&k](const char* a) { return k == a; })) {
      errors.push_back({k, "unknown field"});
    }
  }
}

std::optional<std::string> stringField(const json& body, const char* key, std::vector<FieldError>& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors.push_back({key, "must be a string"});
    return std::nullopt;
  }
  return it->get<std::string>();
}

Reply invalid(std::vector<FieldError> errors) {
  return Reply::fail(400, "Bad Request", "the document has invalid fields", std::move(errors));
}

}  // namespace

std::string passwordProblem(const std::string& password) {
  if (password.size() < 8) return "must be at least 8 characters";
  if (password.size() > 1024) return "must be at most 1024 characters";
  return {};
}

AuthService::AuthService(AuthServiceConfig cfg) : cfg_(std::move(cfg)), limiter_(cfg_.limits) {}

core::Result<void> AuthService::start() {
  if (!initCrypto()) {
    return core::makeError(core::Errc::kInternal, "libsodium could not be initialised");
  }
  auto db = store::Db::open(cfg_.db_path);
  if (!db) {
    return db.error();
  }
  std::lock_guard lock(mu_);
  db_.emplace(std::move(*db));
  dummy_hash_ = hashPassword("not a password of anybody");
  return core::ok();
}

core::Result<std::string> AuthService::bootstrapAdmin(const std::string& password) {
  std::string chosen = password;
  {
    std::lock_guard lock(mu_);
    store::AuthStore st(*db_);
    auto n = st.countUsers();
    if (!n) return n.error();
    if (*n > 0) return std::string();
  }
  const bool generated = chosen.empty();
  if (generated) {
    chosen = newPassword();
  } else if (auto why = passwordProblem(chosen); !why.empty()) {
    return core::makeError(core::Errc::kInvalidArgument, "SRTGW_ADMIN_PASSWORD " + why, "admin_password");
  }
  const std::string hash = hashPassword(chosen);
  if (hash.empty()) {
    return core::makeError(core::Errc::kInternal, "could not hash the admin password (out of memory?)");
  }
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto u = st.createUser(store::UserRecord{0, "admin", "admin", hash, 0, 0});
  if (!u) return u.error();
  spdlog::info("created user 'admin' (role admin){}", generated ? " with a generated password" : "");
  return generated ? chosen : std::string();
}

std::optional<Principal> AuthService::authenticate(const std::string& token) {
  if (token.size() < 16 || token.size() > 256) {
    return std::nullopt;
  }
  const std::string hash = tokenHash(token);
  const int64_t now = core::wallNowMs();
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  if (token.rfind(kSessionPrefix, 0) == 0) {
    auto found = st.findSession(hash, now);
    if (!found || !found->has_value()) {
      return std::nullopt;
    }
    const auto& [session, user] = **found;
    auto role = parseRole(user.role);
    if (!role) return std::nullopt;
    return Principal{user.id, user.username, *role, true, csrfTokenFor(token), hash};
  }
  if (token.rfind(kApiTokenPrefix, 0) == 0) {
    auto found = st.findTokenByHash(hash);
    if (!found || !found->has_value()) {
      return std::nullopt;
    }
    const auto& t = **found;
    if (t.expires_ms != 0 && t.expires_ms <= now) {
      return std::nullopt;
    }
    auto role = parseRole(t.role);
    if (!role) return std::nullopt;
    if (now - t.last_used_ms >= 60000) {
      (void)st.touchToken(t.id, now);  // at most once a minute: a read stays a read
    }
    return Principal{0, "token:" + t.name, *role, false, {}, hash};
  }
  return std::nullopt;
}

LoginOutcome AuthService::login(const json& body, const std::string& peer) {
  LoginOutcome out;
  std::vector<FieldError> errors;
  if (!body.is_object()) {
    out.reply = Reply::fail(400, "Bad Request", "the body must be a JSON object");
    return out;
  }
  unknownFields(body, {"username", "password"}, errors);
  auto username = stringField(body, "username", errors);
  auto password = stringField(body, "password", errors);
  if (!username && errors.empty()) errors.push_back({"username", "required"});
  if (!password && errors.empty()) errors.push_back({"password", "required"});
  if (!errors.empty()) {
    out.reply = invalid(std::move(errors));
    return out;
  }
  const std::string address = addressOf(peer);
  const int64_t now = core::wallNowMs();
  std::optional<store::UserRecord> user;
  {
    std::lock_guard lock(mu_);
    if (int64_t wait = limiter_.waitMs(*username, address, now); wait > 0) {
      out.retry_after_s = (wait + 999) / 1000;
      out.reply = Reply::fail(429, "Too Many Requests",
                              "too many failed logins; try again in " + std::to_string(out.retry_after_s) + " s");
      return out;
    }
    store::AuthStore st(*db_);
    auto found = st.findUserByName(*username);
    if (!found) {
      out.reply = storeFailure(found.error());
      return out;
    }
    user = *found;
  }
  // Outside the lock: argon2id takes a noticeable time and memory on purpose.
  const bool good = verifyPassword(user ? user->password_hash : dummy_hash_, *password) && user.has_value();
  std::lock_guard lock(mu_);
  if (!good) {
    limiter_.failure(*username, address, now);
    spdlog::warn("failed login for '{}' from {}", validUsername(*username) ? *username : "(invalid name)", address);
    out.reply = Reply::fail(401, "Unauthorized", "wrong user name or password");
    return out;
  }
  limiter_.success(*username, address);
  store::AuthStore st(*db_);
  (void)st.removeExpiredSessions(now);
  out.token = newToken(kSessionPrefix);
  store::SessionRecord s{0, user->id, tokenHash(out.token), 0, now + cfg_.session_ttl_ms};
  auto made = st.createSession(s);
  if (!made) {
    out.token.clear();
    out.reply = storeFailure(made.error());
    return out;
  }
  spdlog::info("user '{}' logged in from {}", user->username, address);
  out.reply = Reply::ok(json{{"token", out.token},
                             {"csrf_token", csrfTokenFor(out.token)},
                             {"user", json{{"username", user->username}, {"role", user->role}}},
                             {"expires_ms", made->expires_ms}});
  return out;
}

Reply AuthService::logout(const Principal& who) {
  if (!who.session) {
    return Reply::fail(400, "Bad Request", "an API token is not a session: revoke it under /api/v1/tokens");
  }
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  if (auto r = st.removeSession(who.token_hash); !r) {
    return storeFailure(r.error());
  }
  return Reply::ok(nullptr, 204);
}

Reply AuthService::me(const Principal& who) {
  json j{{"user", json{{"username", who.name}, {"role", toString(who.role)}}}, {"session", who.session}};
  if (who.session) {
    j["csrf_token"] = who.csrf;
  }
  return Reply::ok(std::move(j));
}

Reply AuthService::listUsers(int64_t pg, int64_t per_page) {
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto all = st.listUsers();
  if (!all) return storeFailure(all.error());
  return page(*all, pg, per_page, userJson);
}

Reply AuthService::getUser(int64_t id) {
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto u = st.findUser(id);
  if (!u) return storeFailure(u.error());
  if (!u->has_value()) return Reply::fail(404, "Not Found", "user " + std::to_string(id) + " not found");
  return Reply::ok(userJson(**u));
}

Reply AuthService::createUser(const json& body) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return Reply::fail(400, "Bad Request", "the body must be a JSON object");
  unknownFields(body, {"username", "password", "role"}, errors);
  auto username = stringField(body, "username", errors);
  auto password = stringField(body, "password", errors);
  auto role = stringField(body, "role", errors);
  if (!username) {
    if (!body.contains("username")) errors.push_back({"username", "required"});
  } else if (!validUsername(*username)) {
    errors.push_back({"username", "1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"});
  }
  if (!password) {
    if (!body.contains("password")) errors.push_back({"password", "required"});
  } else if (auto why = passwordProblem(*password); !why.empty()) {
    errors.push_back({"password", why});
  }
  if (!role) {
    if (!body.contains("role")) errors.push_back({"role", "required"});
  } else if (!parseRole(*role)) {
    errors.push_back({"role", "must be admin, operator or viewer"});
  }
  if (!errors.empty()) return invalid(std::move(errors));
  const std::string hash = hashPassword(*password);
  if (hash.empty()) return Reply::fail(503, "Service Unavailable", "could not hash the password (out of memory)");
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto u = st.createUser(store::UserRecord{0, *username, *role, hash, 0, 0});
  if (!u) {
    if (u.error().code == core::Errc::kConflict) {
      return Reply::fail(409, "Conflict", "a user named '" + *username + "' exists", {{"username", "taken"}});
    }
    return storeFailure(u.error());
  }
  spdlog::info("user '{}' created (role {})", u->username, u->role);
  Reply r = Reply::ok(userJson(*u), 201);
  r.location = "/api/v1/users/" + std::to_string(u->id);
  return r;
}

Reply AuthService::patchUser(int64_t id, const json& body, const Principal& who) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return Reply::fail(400, "Bad Request", "the body must be a JSON object");
  unknownFields(body, {"username", "password", "role"}, errors);
  auto username = stringField(body, "username", errors);
  auto password = stringField(body, "password", errors);
  auto role = stringField(body, "role", errors);
  if (password) {
    if (auto why = passwordProblem(*password); !why.empty()) errors.push_back({"password", why});
  }
  if (role && !parseRole(*role)) errors.push_back({"role", "must be admin, operator or viewer"});
  if (!errors.empty()) return invalid(std::move(errors));
  const std::string hash = password ? hashPassword(*password) : std::string();
  if (password && hash.empty()) return Reply::fail(503, "Service Unavailable", "could not hash the password");
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto found = st.findUser(id);
  if (!found) return storeFailure(found.error());
  if (!found->has_value()) return Reply::fail(404, "Not Found", "user " + std::to_string(id) + " not found");
  store::UserRecord u = **found;
  if (username && *username != u.username) {
    return invalid({{"username", "cannot be changed; create a new user instead"}});
  }
  if (role && *role != "admin" && u.role == "admin") {
    auto admins = st.countUsersWithRole("admin");
    if (!admins) return storeFailure(admins.error());
    if (*admins <= 1) {
      return Reply::fail(409, "Conflict", "the last admin cannot lose the admin role", {{"role", "last admin"}});
    }
  }
  if (role) u.role = *role;
  if (password) u.password_hash = hash;
  auto saved = st.updateUser(u);
  if (!saved) return storeFailure(saved.error());
  if (password || role) {
    // A new password or role ends the user's other sessions; the caller's own stays.
    auto sessions = st.removeSessionsOf(u.id);
    if (!sessions) return storeFailure(sessions.error());
  }
  spdlog::info("user '{}' changed by '{}'{}{}", u.username, who.name, password ? " (password)" : "",
               role ? " (role " + u.role + ")" : "");
  return Reply::ok(userJson(*saved));
}

Reply AuthService::removeUser(int64_t id, const Principal& who) {
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto found = st.findUser(id);
  if (!found) return storeFailure(found.error());
  if (!found->has_value()) return Reply::fail(404, "Not Found", "user " + std::to_string(id) + " not found");
  if ((*found)->role == "admin") {
    auto admins = st.countUsersWithRole("admin");
    if (!admins) return storeFailure(admins.error());
    if (*admins <= 1) return Reply::fail(409, "Conflict", "the last admin cannot be deleted");
  }
  if (auto r = st.removeUser(id); !r) return storeFailure(r.error());
  spdlog::info("user '{}' deleted by '{}'", (*found)->username, who.name);
  return Reply::ok(nullptr, 204);
}

Reply AuthService::listTokens(int64_t pg, int64_t per_page) {
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto all = st.listTokens();
  if (!all) return storeFailure(all.error());
  return page(*all, pg, per_page, tokenJson);
}

Reply AuthService::getToken(int64_t id) {
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto t = st.findToken(id);
  if (!t) return storeFailure(t.error());
  if (!t->has_value()) return Reply::fail(404, "Not Found", "token " + std::to_string(id) + " not found");
  return Reply::ok(tokenJson(**t));
}

Reply AuthService::createToken(const json& body, const Principal& who) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return Reply::fail(400, "Bad Request", "the body must be a JSON object");
  unknownFields(body, {"name", "role", "expires_in_s"}, errors);
  auto name = stringField(body, "name", errors);
  auto role = stringField(body, "role", errors);
  if (!name) {
    if (!body.contains("name")) errors.push_back({"name", "required"});
  } else if (name->empty() || name->size() > 100) {
    errors.push_back({"name", "must be 1 to 100 characters"});
  }
  if (!role) {
    if (!body.contains("role")) errors.push_back({"role", "required"});
  } else if (!parseRole(*role)) {
    errors.push_back({"role", "must be admin, operator or viewer"});
  }
  int64_t expires_in_s = 0;
  if (auto it = body.find("expires_in_s"); it != body.end() && !it->is_null()) {
    constexpr int64_t kTenYears = 10LL * 366 * 24 * 3600;
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kTenYears) {
      errors.push_back({"expires_in_s", "must be a whole number of seconds from 1 to " + std::to_string(kTenYears)});
    } else {
      expires_in_s = it->get<int64_t>();
    }
  }
  if (!errors.empty()) return invalid(std::move(errors));
  const std::string token = newToken(kApiTokenPrefix);
  const int64_t now = core::wallNowMs();
  store::ApiTokenRecord t{0, *name, *role, tokenHash(token), token.substr(0, kApiTokenPrefix.size() + 4),
                          who.name, 0, expires_in_s > 0 ? now + expires_in_s * 1000 : 0, 0};
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  auto made = st.createToken(t);
  if (!made) return storeFailure(made.error());
  spdlog::info("API token {} '{}' (role {}) created by '{}'", made->id, made->name, made->role, who.name);
  json j = tokenJson(*made);
  j["token"] = token;  // the only time it is ever shown
  Reply r = Reply::ok(std::move(j), 201);
  r.location = "/api/v1/tokens/" + std::to_string(made->id);
  return r;
}

Reply AuthService::removeToken(int64_t id) {
  std::lock_guard lock(mu_);
  store::AuthStore st(*db_);
  if (auto r = st.removeToken(id); !r) {
    if (r.error().code == core::Errc::kNotFound) {
      return Reply::fail(404, "Not Found", "token " + std::to_string(id) + " not found");
    }
    return storeFailure(r.error());
  }
  spdlog::info("API token {} revoked", id);
  return Reply::ok(nullptr, 204);
}

}  // namespace srtgw::control
