// Result<T>: the value of an operation or the reason it failed, on the request and worker paths.
//
// C++20 has no std::expected (g++ 12 ships it only with -std=c++23), so this mirrors its API: has_value(),
// value(), error(), operator*, operator->, and construction from an Error for the failure case.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace refundsync {

// What kind of failure an error is: the one thing retry and HTTP status decisions look at, in the spirit of
// Abseil's status codes. The stable code beside it says which failure, for the contract and for people.
enum class ErrorKind {
  kInvalidArgument,     // the input can never work (invalid_amount, bad_request): 400, not retried
  kNotFound,            // no such account, transaction or event: 404
  kFailedPrecondition,  // not possible as things stand (order_not_synced, already_refunded, ...): 422, not retried
  kUnavailable,         // try again later (upstream_unavailable, store_unavailable): 503, retried
  kRejected,            // the upstream refused the request (upstream_rejected): 502, not retried
  kOutcomeUnknown,      // the upstream may or may not have done it (upstream_unknown): 502, left for an operator
  kInternal,            // a bug or a corrupt record: 500
};

// The kind of a stable code (contract section 6, the admin API's and the store's codes); kInternal for others.
ErrorKind KindOfCode(std::string_view code);

// A stable, machine-readable code (e.g. "order_not_synced"), its kind, and a message for people.
struct Error {
  Error() = default;
  Error(std::string code_in, std::string message_in, std::int64_t retry_after = 0)
      : code(std::move(code_in)), message(std::move(message_in)), retry_after_ms(retry_after), kind(KindOfCode(code)) {}

  std::string code;
  std::string message;
  std::int64_t retry_after_ms = 0;  // when the upstream said how long to wait (429 Retry-After)
  ErrorKind kind = ErrorKind::kInternal;
  // What the upstream answered, for callers that decide on it: its HTTP status (0: no answer came) and its own
  // error number (eBay's errorId; 0: none).
  int upstream_status = 0;
  std::int64_t vendor_error = 0;
  // A create whose answer was lost (none came, or a 5xx): the record may exist, or come to exist.
  bool outcome_unknown = false;
};

inline Error MakeError(std::string code, std::string message) { return Error(std::move(code), std::move(message)); }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit like std::expected
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

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
