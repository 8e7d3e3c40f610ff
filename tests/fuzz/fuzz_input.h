// Splits a fuzz input into a header-ish first part and a body: "<first line>\n<rest>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace refundsync::fuzz {

inline std::pair<std::string, std::string> SplitFirstLine(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string::npos) return {input, ""};
  return {input.substr(0, newline), input.substr(newline + 1)};
}

}  // namespace refundsync::fuzz
