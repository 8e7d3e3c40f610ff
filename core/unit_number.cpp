#include "core/unit_number.h"

#include <charconv>
#include <limits>

namespace refundsync {

std::optional<std::int64_t> ParseUnitNumber(std::string_view text, UnitFactors units) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view number = text.substr(0, digits);
  const std::string_view unit = text.substr(digits);
  if (number.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  for (const auto& [name, factor] : units) {
    if (unit != name) continue;
    if (value > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
    return value * factor;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace refundsync
