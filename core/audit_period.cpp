#include "core/audit_period.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <exception>
#include <optional>
#include <sstream>

namespace refundsync {

namespace {

using Days = date::local_days;

const date::time_zone* FindZone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;  // an unknown name, or no time zone database on the machine (the tzdata package)
  }
}

std::optional<Days> ParseDate(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::istringstream in{std::string(text)};
  date::year_month_day day{};
  in >> date::parse("%F", day);
  if (in.fail() || !day.ok()) return std::nullopt;
  return Days{day};
}

std::string FormatDate(Days day) { return date::format("%F", day); }

std::int64_t StartOfDayMs(const date::time_zone* zone, Days day) {
  // A day that starts in a gap (a zone moving its clocks at midnight) starts at the first instant after it.
  const auto info = zone->get_info(date::local_seconds{day.time_since_epoch()});
  date::sys_seconds start;
  if (info.result == date::local_info::nonexistent) {
    start = info.second.begin;
  } else {
    start = zone->to_sys(date::local_seconds{day.time_since_epoch()}, date::choose::earliest);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count();
}

Days LocalDay(const date::time_zone* zone, std::int64_t unix_ms) {
  const date::sys_time<std::chrono::milliseconds> instant{std::chrono::milliseconds(unix_ms)};
  return date::floor<date::days>(zone->to_local(instant));
}

Result<AuditPeriod> Build(const date::time_zone* zone, std::string_view timezone, Days from, Days to) {
  if (to < from)
    return MakeError("bad_request",
                     "the period ends (" + FormatDate(to) + ") before it starts (" + FormatDate(from) + ")");
  return AuditPeriod{FormatDate(from), FormatDate(to), std::string(timezone), StartOfDayMs(zone, from),
                     StartOfDayMs(zone, to + date::days{1})};
}

}  // namespace

bool IsKnownTimeZone(std::string_view name) { return FindZone(name) != nullptr; }

Result<AuditPeriod> MakeAuditPeriod(std::string_view from, std::string_view to, std::string_view timezone,
                                    std::int64_t now_ms) {
  const date::time_zone* zone = FindZone(timezone);
  if (zone == nullptr) return MakeError("bad_request", "unknown time zone \"" + std::string(timezone) + "\"");
  const auto first = ParseDate(from);
  if (!first) return MakeError("bad_request", "\"" + std::string(from) + "\" is not a date (YYYY-MM-DD)");
  const auto last = to.empty() ? std::optional<Days>(LocalDay(zone, now_ms)) : ParseDate(to);
  if (!last) return MakeError("bad_request", "\"" + std::string(to) + "\" is not a date (YYYY-MM-DD)");
  return Build(zone, timezone, *first, *last);
}

Result<AuditPeriod> PreviousAndCurrentMonth(std::string_view timezone, std::int64_t now_ms) {
  const date::time_zone* zone = FindZone(timezone);
  if (zone == nullptr) return MakeError("bad_request", "unknown time zone \"" + std::string(timezone) + "\"");
  const Days today = LocalDay(zone, now_ms);
  const date::year_month_day ymd{today};
  const date::year_month previous = date::year_month{ymd.year(), ymd.month()} - date::months{1};
  return Build(zone, timezone, Days{previous / date::day{1}}, today);
}

std::string LocalDate(std::int64_t unix_ms, std::string_view timezone) {
  const date::time_zone* zone = FindZone(timezone);
  if (zone == nullptr) zone = FindZone("UTC");
  return zone == nullptr ? "" : FormatDate(LocalDay(zone, unix_ms));
}

}  // namespace refundsync
