// An enum's stable names (the contract's statuses and kinds), both ways, from one table of {value, name} pairs.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace refundsync {

template <typename Enum, std::size_t N>
std::string_view NameIn(const std::pair<Enum, std::string_view> (&table)[N], Enum value, std::string_view fallback) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return fallback;
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueIn(const std::pair<Enum, std::string_view> (&table)[N], std::string_view name) {
  for (const auto& [value, n] : table) {
    if (n == name) return value;
  }
  return std::nullopt;
}

}  // namespace refundsync
