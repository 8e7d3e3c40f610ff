// Result<T>: the value of an operation or the reason it failed, on the request and worker paths.
//
// C++20 has no std::expected (g++ 12 ships it only with -std=c++23), so this mirrors its API: has_value(),
// value(), error(), operator*, operator->, and construction from an Error for the failure case.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace refundsync {

// A stable, machine-readable code (e.g. "order_not_synced") and a message for people.
struct Error {
  std::string code;
  std::string message;
  std::int64_t retry_after_ms = 0;  // when the upstream said how long to wait (429 Retry-After)
};

inline Error MakeError(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit like std::expected
  Result(Error error) : state_(std::move(error)) {}      // NOLINT

  bool has_value() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<T>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<T>(std::move(state_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<Error>(state_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace refundsync
