// Small readers for simdjson DOM elements, shared by the code that reads our own JSON (queued events,
// transactions) and upstream answers. A missing or mistyped field reads as empty, never as an exception.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>

#include "core/money.h"
#include "core/result.h"
#include "core/webhook_event.h"

namespace refundsync {

inline std::string JsonText(simdjson::dom::element element, const char* key) {
  std::string_view value;
  if (element[key].get_string().get(value)) return "";
  return std::string(value);
}

// Our own money shape: {"minor_units": 4194, "currency": "USD"}.
inline std::optional<Money> JsonMinorUnits(simdjson::dom::element element, const char* key) {
  simdjson::dom::element money;
  std::int64_t units;
  std::string_view currency;
  if (element[key].get(money) || money["minor_units"].get_int64().get(units) ||
      money["currency"].get_string().get(currency)) {
    return std::nullopt;
  }
  return Money{units, std::string(currency)};
}

// Our own error shape: {"code", "message"}; none when null or missing.
inline std::optional<Error> JsonError(simdjson::dom::element element, const char* key) {
  simdjson::dom::element error;
  if (element[key].get(error) || !error.is_object()) return std::nullopt;
  return Error{JsonText(error, "code"), JsonText(error, "message")};
}

// A refund line as ToJson(WebhookEvent) and ToJson(Transaction) write it.
inline RefundLine JsonRefundLine(simdjson::dom::element line) {
  RefundLine out;
  out.line_item_id = JsonText(line, "line_item_id");
  out.sku = JsonText(line, "sku");
  std::int64_t quantity = 0;
  if (!line["quantity"].get_int64().get(quantity)) out.quantity = quantity;
  out.subtotal = JsonMinorUnits(line, "subtotal");
  out.tax = JsonMinorUnits(line, "tax");
  return out;
}

}  // namespace refundsync
