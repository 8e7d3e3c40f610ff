#include "core/duration.h"

#include <array>
#include <utility>

#include "core/unit_number.h"

namespace refundsync {
namespace {

constexpr std::array<std::pair<std::string_view, std::int64_t>, 5> kUnits = {
    {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration(0);  // nothing needs no unit ("0" turns a schedule off)
  const auto ms = ParseUnitNumber(text, kUnits);
  if (!ms) {
    return MakeError("invalid_duration",
                     "\"" + std::string(text) + "\" is not a duration (an integer and one of ms, s, m, h, d)");
  }
  return Duration(*ms);
}

std::string FormatDuration(Duration duration) {
  const std::int64_t ms = duration.count();
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (ms != 0 && ms % it->second == 0) return std::to_string(ms / it->second) + std::string(it->first);
  }
  return std::to_string(ms) + "ms";
}

}  // namespace refundsync
