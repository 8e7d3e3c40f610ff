// One log line per decision, with stable key=value fields (or one JSON object per line for log collectors).
//
//   ts=2026-11-27T10:00:00.123Z level=info event=webhook_accepted source=shopify account=shop-main event_id=...
//
// Values are quoted when they contain blanks, so log processors that split on whitespace keep fields intact.
// Never pass a secret, token, signature or whole body as a field.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/config.h"

namespace refundsync::log {

struct Field {
  std::string_view key;
  std::string value;

  Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, long long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
};

using Fields = std::initializer_list<Field>;

// Called once by the composition root; before that, lines go to stdout as text at info level.
void Configure(LogFormat format, std::string_view level);
// Log lines go to stderr instead of stdout: for commands whose stdout is their output (JSON, CSV). Call before
// anything is logged.
void WriteToStderr();

// Whether info lines are written: hot paths ask first, so a quieter level also skips building the fields.
bool InfoEnabled();

void Debug(std::string_view event, Fields fields = {});
void Info(std::string_view event, Fields fields = {});
void Warn(std::string_view event, Fields fields = {});
void Error(std::string_view event, Fields fields = {});

// A logged field value longer than this is cut, with its length noted; control characters are escaped in both
// formats (text: \n \r \t \xHH; JSON: \uHHHH).
inline constexpr std::size_t kMaxLoggedFieldBytes = 512;

// The formatted line, without the trailing newline (exposed for tests).
std::string FormatLine(LogFormat format, std::string_view level, std::string_view event, Fields fields,
                       std::int64_t unix_ms);

}  // namespace refundsync::log
