#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/json_writer.h"
#include "core/time.h"

namespace refundsync::log {
namespace {

LogFormat g_format = LogFormat::kText;
bool g_to_stderr = false;

std::shared_ptr<spdlog::logger> Logger() {
  // spdlog owns the thread-safe stdout sink; we format the whole line ourselves ("%v").
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto created = g_to_stderr ? spdlog::stderr_logger_mt("refundsync") : spdlog::stdout_logger_mt("refundsync");
    created->set_pattern("%v");
    // Warnings and errors reach stdout at once; info lines are flushed every second (flushing each line
    // costs a write(2) per webhook).
    created->flush_on(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(1));
    return created;
  }();
  return logger;
}

bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || IsControl(c)) return true;
  }
  return false;
}

// A field's value as logged: at most kMaxLoggedFieldBytes (cut on a UTF-8 boundary), then how long it was.
// Values come from senders (a 10 KB eBay key id, a header): a log line stays readable and small.
std::string Bounded(std::string_view value) {
  if (value.size() <= kMaxLoggedFieldBytes) return std::string(value);
  std::size_t cut = kMaxLoggedFieldBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(value.substr(0, cut)) + "...(" + std::to_string(value.size()) + " bytes)";
}

void AppendText(std::string& line, std::string_view key, std::string_view value) {
  if (!line.empty()) line += ' ';
  line.append(key);
  line += '=';
  if (!NeedsQuotes(value)) {
    line.append(value);
    return;
  }
  // Every control character is escaped: an ESC from a header must not reach an operator's terminal.
  static constexpr char kHex[] = "0123456789abcdef";
  line += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') {
      line += '\\';
      line += c;
    } else if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (c == '\t') {
      line += "\\t";
    } else if (IsControl(c)) {
      line += "\\x";
      line += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      line += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      line += c;
    }
  }
  line += '"';
}

void Write(spdlog::level::level_enum level, std::string_view name, std::string_view event, Fields fields) {
  auto logger = Logger();
  if (!logger->should_log(level)) return;
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  logger->log(level, "{}", FormatLine(g_format, name, event, fields, now));
}

}  // namespace

std::string FormatLine(LogFormat format, std::string_view level, std::string_view event, Fields fields,
                       std::int64_t unix_ms) {
  if (format == LogFormat::kJson) {
    JsonWriter json;
    json.BeginObject();
    json.Key("ts").String(FormatRfc3339Ms(unix_ms));
    json.Key("level").String(level);
    json.Key("event").String(event);
    for (const auto& field : fields) json.Key(field.key).String(Bounded(field.value));
    json.EndObject();
    return json.Take();
  }
  std::string line;
  AppendText(line, "ts", FormatRfc3339Ms(unix_ms));
  AppendText(line, "level", level);
  AppendText(line, "event", event);
  for (const auto& field : fields) AppendText(line, field.key, Bounded(field.value));
  return line;
}

void WriteToStderr() { g_to_stderr = true; }

void Configure(LogFormat format, std::string_view level) {
  g_format = format;
  Logger()->set_level(spdlog::level::from_str(std::string(level)));
}

bool InfoEnabled() { return Logger()->should_log(spdlog::level::info); }

void Debug(std::string_view event, Fields fields) { Write(spdlog::level::debug, "debug", event, fields); }
void Info(std::string_view event, Fields fields) { Write(spdlog::level::info, "info", event, fields); }
void Warn(std::string_view event, Fields fields) { Write(spdlog::level::warn, "warn", event, fields); }
void Error(std::string_view event, Fields fields) { Write(spdlog::level::err, "error", event, fields); }

}  // namespace refundsync::log
