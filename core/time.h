// Wall-clock time as Unix milliseconds, and RFC 3339 text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refundsync {

// "2026-11-27T11:38:34-05:00", "2026-11-27T16:38:34.123Z", or a date "2026-11-27" (midnight UTC).
std::optional<std::int64_t> ParseRfc3339Ms(std::string_view text);

// "2026-11-27T16:38:34.123Z"
std::string FormatRfc3339Ms(std::int64_t unix_ms);

}  // namespace refundsync
