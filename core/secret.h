// A secret read from a file. It has no formatter and no stream operator, so it cannot end up in a log line or
// an error message by accident; code that needs the bytes calls reveal().
#pragma once

#include <string>
#include <utility>

namespace refundsync {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

}  // namespace refundsync
