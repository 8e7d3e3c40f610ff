#include "core/time.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace refundsync {
namespace {

bool ReadInt(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return true;
}

}  // namespace

std::optional<std::int64_t> ParseRfc3339Ms(std::string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0;
  if (!ReadInt(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !ReadInt(text, 5, 2, month) ||
      text[7] != '-' || !ReadInt(text, 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  std::int64_t millis = 0;
  std::int64_t offset_seconds = 0;
  if (text.size() > 10) {
    int hour = 0, minute = 0, second = 0;
    if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ReadInt(text, 11, 2, hour) || text.size() < 19 ||
        text[13] != ':' || !ReadInt(text, 14, 2, minute) || text[16] != ':' || !ReadInt(text, 17, 2, second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (; digits < 3; ++digits) millis *= 10;
    }
    const std::string_view zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
      offset_seconds = 0;
    } else {
      int oh = 0, om = 0;
      if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !ReadInt(zone, 1, 2, oh) || zone[3] != ':' ||
          !ReadInt(zone, 4, 2, om)) {
        return std::nullopt;
      }
      offset_seconds = (oh * 3600 + om * 60) * (zone[0] == '-' ? -1 : 1);
    }
  }
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  return seconds * 1000 + millis;
}

std::string FormatRfc3339Ms(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

}  // namespace refundsync
