#include "core/byte_size.h"

#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <utility>

namespace refundsync {
namespace {

constexpr std::array<std::pair<std::string_view, std::int64_t>, 5> kUnits = {
    {{"", 1}, {"B", 1}, {"KiB", std::int64_t{1} << 10}, {"MiB", std::int64_t{1} << 20}, {"GiB", std::int64_t{1} << 30}}};

}  // namespace

Result<std::int64_t> ParseByteSize(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view number = text.substr(0, digits);
  const std::string_view unit = text.substr(digits);
  auto invalid = [&] {
    return MakeError("invalid_size",
                     "\"" + std::string(text) + "\" is not a size (bytes, or an integer and one of KiB, MiB, GiB)");
  };
  if (number.empty()) return invalid();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return invalid();
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    if (value > std::numeric_limits<std::int64_t>::max() / factor) return invalid();
    return value * factor;
  }
  return invalid();
}

}  // namespace refundsync
