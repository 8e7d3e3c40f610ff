#include "cli/transactions_csv.h"

#include "core/json_read.h"
#include "core/time.h"
#include "core/unit_number.h"

namespace refundsync {
namespace {

constexpr const char* kColumns[] = {"id",         "account",     "direction",     "source_record", "target_record",
                                    "order_id",   "sales_order", "billed_record", "amount",        "currency",
                                    "status",     "error_code",  "error_message", "attempts",      "created_at",
                                    "updated_at", "last_note"};

std::string Row(std::initializer_list<std::string> fields) {
  std::string row;
  for (const auto& field : fields) row += (row.empty() ? "" : ",") + CsvField(field);
  return row + "\r\n";
}

std::string TimeOf(const simdjson::dom::element& item, const char* key) {
  std::int64_t ms = 0;
  if (item[key].get_int64().get(ms) || ms <= 0) return "";
  return FormatRfc3339Ms(ms);
}

}  // namespace

std::string CsvField(std::string_view text) {
  std::string field(text);
  if (!field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos) {
    // A negative amount is a number, not a formula: only text is defused.
    const bool number =
        field.front() == '-' && field.size() > 1 && field.find_first_not_of("0123456789.", 1) == std::string::npos;
    if (!number) field.insert(0, "'");
  }
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string TransactionsCsvHeader() {
  std::string row;
  for (const char* column : kColumns) row += (row.empty() ? "" : ",") + std::string(column);
  return row + "\r\n";
}

std::string TransactionCsvRow(const simdjson::dom::element& item) {
  std::string currency, error_code, error_message, last_note;
  simdjson::dom::element amount;
  if (!item["amount"].get(amount)) currency = JsonText(amount, "currency");
  if (const auto error = JsonError(item, "error")) {
    error_code = error->code;
    error_message = error->message;
  }
  simdjson::dom::array history;
  if (!item["history"].get_array().get(history) && history.size() > 0) {
    last_note = JsonText(history.at(history.size() - 1), "note");
  }
  std::int64_t attempts = 0;
  if (item["attempts"].get_int64().get(attempts)) attempts = 0;
  return Row({JsonText(item, "id"), JsonText(item, "account"), JsonText(item, "direction"),
              JsonText(item, "source_record"), JsonText(item, "target_record"), JsonText(item, "order_id"),
              JsonText(item, "sales_order"), JsonText(item, "billed_record"), JsonText(item, "amount_decimal"),
              currency, JsonText(item, "status"), error_code, error_message, std::to_string(attempts),
              TimeOf(item, "created_ms"), TimeOf(item, "updated_ms"), last_note});
}

}  // namespace refundsync
