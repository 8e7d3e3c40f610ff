// Durations as written in the configuration: an integer and one unit, "500ms", "30s", "15m", "72h", "7d".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace refundsync {

using Duration = std::chrono::milliseconds;

Result<Duration> ParseDuration(std::string_view text);

// The shortest exact spelling, e.g. 259200000ms -> "72h".
std::string FormatDuration(Duration duration);

}  // namespace refundsync
