// The period of a refund audit: whole calendar days in a time zone (audit.timezone), as an accountant closes a
// month. Storefront refunds carry instants and are kept when they fall inside [start_ms, end_ms); NetSuite's
// transaction date is a calendar date and is compared with `from` and `to` as dates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace refundsync {

struct AuditPeriod {
  std::string from;  // YYYY-MM-DD, inclusive
  std::string to;    // YYYY-MM-DD, inclusive
  std::string timezone;
  std::int64_t start_ms = 0;  // `from` at 00:00 in the zone
  std::int64_t end_ms = 0;    // the day after `to` at 00:00 in the zone
};

// True for an IANA zone name the system's time zone database knows ("UTC", "Europe/Berlin").
bool IsKnownTimeZone(std::string_view name);

// An empty `to` means today in the zone. invalid_argument for a malformed date,
// `to` before `from`, or an unknown zone.
Result<AuditPeriod> MakeAuditPeriod(std::string_view from, std::string_view to, std::string_view timezone,
                                    std::int64_t now_ms);

// The scheduled audit's period: the first day of the previous calendar month up to today, in the zone.
Result<AuditPeriod> PreviousAndCurrentMonth(std::string_view timezone, std::int64_t now_ms);

// The calendar date (YYYY-MM-DD) of an instant in the zone.
std::string LocalDate(std::int64_t unix_ms, std::string_view timezone);

}  // namespace refundsync
