// A small streaming JSON writer for our responses and log lines. Parsing is simdjson's job; writing JSON is
// simple enough that a dependency would not pay for itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace refundsync {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already-serialised JSON as one value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  // Per open container: whether a value was written yet (for commas); after Key() the next value needs none.
  std::vector<bool> has_items_;
  bool after_key_ = false;
};

// Appends `value` as a quoted JSON string with escapes.
void AppendJsonString(std::string& out, std::string_view value);

// Our own money shape under `key`: {"minor_units": 4194, "currency": "USD"} (read back by JsonMinorUnits).
void WriteMinorUnits(JsonWriter& json, std::string_view key, const Money& money);

// Our own error shape under `key`: {"code", "message"}, or null without one (read back by JsonError).
void WriteError(JsonWriter& json, std::string_view key, const std::optional<Error>& error);

}  // namespace refundsync
