#pragma once
// Result<T>: the data plane's error channel, shaped like std::expected (C++23).
// No exceptions cross a Result boundary; callers must look at it ([[nodiscard]]).

#include <string>
#include <utility>
#include <variant>

namespace srtgw::core {

enum class Errc {
  kInvalidArgument,  // bad input from a user (URL, option value)
  kAddressInUse,     // a port is taken
  kNotFound,
  kConflict,
  kIo,       // system call failed
  kSrt,      // libsrt call failed
  kRejected, // peer rejected a connection
  kInternal,
};

struct Error {
  Errc code = Errc::kInternal;
  std::string message;
  std::string field;  // which option or URL part, when the error is about one
};

inline Error makeError(Errc code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> ok() { return {}; }

}  // namespace srtgw::core
