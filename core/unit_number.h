// "<integer><unit>", as the configuration writes durations ("72h") and sizes ("256MiB"): the shared reading of both.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace refundsync {

using UnitFactors = std::span<const std::pair<std::string_view, std::int64_t>>;

// The integer times its unit's factor; nullopt when `text` is not digits followed by exactly one of `units` (an
// entry "" allows a bare number), or when the product leaves the int64 range.
std::optional<std::int64_t> ParseUnitNumber(std::string_view text, UnitFactors units);

// A whole decimal integer, optionally negative, and nothing else (as Redis and vendors write counters and times);
// nullopt otherwise. Never throws, unlike std::stoll, so a bad value cannot end a worker thread.
std::optional<std::int64_t> ParseInt64(std::string_view text);

}  // namespace refundsync
