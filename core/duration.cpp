#include "core/duration.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace refundsync {
namespace {

constexpr std::array<std::pair<std::string_view, std::int64_t>, 5> kUnits = {
    {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view number = text.substr(0, digits);
  const std::string_view unit = text.substr(digits);
  auto invalid = [&] {
    return MakeError("invalid_duration",
                     "\"" + std::string(text) + "\" is not a duration (an integer and one of ms, s, m, h, d)");
  };
  if (number.empty() || unit.empty()) return invalid();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return invalid();
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    if (value > std::numeric_limits<std::int64_t>::max() / factor) return invalid();
    return Duration(value * factor);
  }
  return invalid();
}

std::string FormatDuration(Duration duration) {
  const std::int64_t ms = duration.count();
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (ms != 0 && ms % it->second == 0) return std::to_string(ms / it->second) + std::string(it->first);
  }
  return std::to_string(ms) + "ms";
}

}  // namespace refundsync
