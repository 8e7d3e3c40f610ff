#include "core/json_writer.h"

#include <fmt/format.h>

namespace refundsync {

void AppendJsonString(std::string& out, std::string_view value) {
  out += '"';
  // Copy runs of characters that need no escape in one go; most values have none.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    // DEL (0x7f) is escaped too, though JSON allows it raw: logs written as JSON must carry no control character.
    if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') continue;
    out.append(value.substr(run_start, i - run_start));
    run_start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += fmt::format("\\u{:04x}", c);
    }
  }
  out.append(value.substr(run_start));
  out += '"';
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) out_ += ',';
    has_items_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_ += '}';
  has_items_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_ += ']';
  has_items_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(out_, key);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  return *this;
}

void WriteMinorUnits(JsonWriter& json, std::string_view key, const Money& money) {
  json.Key(key).BeginObject().Key("minor_units").Int(money.minor_units).Key("currency").String(money.currency);
  json.EndObject();
}

void WriteError(JsonWriter& json, std::string_view key, const std::optional<Error>& error) {
  json.Key(key);
  if (!error) {
    json.Null();
    return;
  }
  json.BeginObject().Key("code").String(error->code).Key("message").String(error->message).EndObject();
}

}  // namespace refundsync
