#include "control/credentials.hpp"

#include <sodium.h>

#include <array>

namespace srtgw::control {
namespace {

std::string toHex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string randomBase64Url(size_t bytes) {
  std::array<unsigned char, 64> buf{};
  bytes = std::min(bytes, buf.size());
  randombytes_buf(buf.data(), bytes);
  const size_t len = sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(buf.data(), buf.size());
  return out;
}

}  // namespace

std::optional<Role> parseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "operator") return Role::kOperator;
  if (text == "viewer") return Role::kViewer;
  return std::nullopt;
}

const char* toString(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

bool initCrypto() { return sodium_init() >= 0; }

std::string hashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return {};
  }
  return out;
}

bool verifyPassword(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string newToken(std::string_view prefix) { return std::string(prefix) + randomBase64Url(32); }

std::string newPassword() { return randomBase64Url(18); }

std::string tokenHash(std::string_view token) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return toHex(out, sizeof out);
}

std::string csrfTokenFor(std::string_view token) {
  static constexpr std::string_view kContext = "srtgw csrf v1";
  unsigned char out[32];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof out);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kContext.data()), kContext.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  crypto_generichash_final(&st, out, sizeof out);
  return toHex(out, sizeof out);
}

bool sameSecret(std::string_view a, std::string_view b) {
  // Compare digests of equal length so neither length nor content shows in the timing.
  unsigned char da[crypto_generichash_BYTES];
  unsigned char db[crypto_generichash_BYTES];
  crypto_generichash(da, sizeof da, reinterpret_cast<const unsigned char*>(a.data()), a.size(), nullptr, 0);
  crypto_generichash(db, sizeof db, reinterpret_cast<const unsigned char*>(b.data()), b.size(), nullptr, 0);
  return sodium_memcmp(da, db, sizeof da) == 0;
}

}  // namespace srtgw::control
