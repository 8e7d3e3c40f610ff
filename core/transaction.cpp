#include "core/transaction.h"

#include <simdjson.h>

#include "core/crypto.h"
#include "core/enum_names.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {
namespace {

constexpr std::pair<TxStatus, std::string_view> kStatuses[] = {{TxStatus::kImported, "imported"},
                                                               {TxStatus::kPosted, "posted"},
                                                               {TxStatus::kFailed, "failed"},
                                                               {TxStatus::kSkipped, "skipped"}};

// Transactions stored before the typed fields existed kept these facts in their history notes only.
void ReadLegacyCutover(Transaction& tx) {
  tx.skipped_for_cutover = tx.status == TxStatus::kSkipped && !tx.history.empty() &&
                           tx.history.back().note.find(kCutoverNote) != std::string::npos;
}

void ReadLegacyIssuingNotes(Transaction& tx) {
  for (const auto& entry : tx.history) {
    if (entry.note.rfind(kEbayIssuingNote, 0) == 0) {
      std::vector<std::string> ids;
      const std::string list = entry.note.substr(kEbayIssuingNote.size());
      for (std::size_t start = 0; start < list.size();) {
        const std::size_t comma = list.find(',', start);
        const std::size_t end = comma == std::string::npos ? list.size() : comma;
        if (end > start) ids.push_back(list.substr(start, end - start));
        start = end + 1;
      }
      tx.ebay_refunds_before_issue = std::move(ids);
    } else if (entry.note.find(kEbayNotIssuedNote) != std::string::npos) {
      tx.ebay_refunds_before_issue.reset();  // that attempt made no refund
    }
  }
}

}  // namespace

std::string_view TxStatusName(TxStatus status) { return NameIn(kStatuses, status, "failed"); }

std::optional<TxStatus> ParseTxStatus(std::string_view name) { return ValueIn(kStatuses, name); }

std::string TransactionId(const std::string& account, const std::string& source_record) {
  return "tx_" + HexEncode(Sha256(account + "|" + source_record)).substr(0, 20);
}

bool IsRetryable(const Error& error) { return error.kind == ErrorKind::kUnavailable; }

std::string ToJson(const Transaction& tx) {
  JsonWriter json;
  json.BeginObject();
  json.Key("id").String(tx.id).Key("account").String(tx.account).Key("direction").String(tx.direction);
  json.Key("source_record").String(tx.source_record).Key("target_record").String(tx.target_record);
  json.Key("order_id").String(tx.order_id).Key("sales_order").String(tx.sales_order);
  json.Key("billed_record").String(tx.billed_record).Key("source_created_at").String(tx.source_created_at);
  WriteMinorUnits(json, "amount", tx.amount);
  json.Key("amount_decimal").String(FormatDecimal(tx.amount));
  if (tx.shipping) WriteMinorUnits(json, "shipping", *tx.shipping);
  json.Key("lines").BeginArray();
  for (const auto& line : tx.lines) {
    json.BeginObject().Key("line_item_id").String(line.line_item_id).Key("sku").String(line.sku);
    json.Key("quantity").Int(line.quantity);
    if (line.subtotal) WriteMinorUnits(json, "subtotal", *line.subtotal);
    if (line.tax) WriteMinorUnits(json, "tax", *line.tax);
    json.EndObject();
  }
  json.EndArray();
  json.Key("status").String(TxStatusName(tx.status));
  WriteError(json, "error", tx.error);
  json.Key("attempts").Int(tx.attempts).Key("created_ms").Int(tx.created_ms).Key("updated_ms").Int(tx.updated_ms);
  json.Key("skipped_for_cutover").Bool(tx.skipped_for_cutover);
  json.Key("ebay_refunds_before_issue");
  if (tx.ebay_refunds_before_issue) {
    json.BeginArray();
    for (const auto& id : *tx.ebay_refunds_before_issue) json.String(id);
    json.EndArray();
  } else {
    json.Null();
  }
  json.Key("history").BeginArray();
  for (const auto& entry : tx.history) {
    json.BeginObject().Key("at_ms").Int(entry.at_ms).Key("status").String(entry.status).Key("note").String(entry.note);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

Result<Transaction> TransactionFromJson(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text).get(root) || !root.is_object()) return MakeError("corrupt", "transaction is not JSON");
  Transaction tx;
  tx.id = JsonText(root, "id");
  tx.account = JsonText(root, "account");
  tx.direction = JsonText(root, "direction");
  tx.source_record = JsonText(root, "source_record");
  tx.target_record = JsonText(root, "target_record");
  tx.order_id = JsonText(root, "order_id");
  tx.sales_order = JsonText(root, "sales_order");
  tx.billed_record = JsonText(root, "billed_record");
  tx.source_created_at = JsonText(root, "source_created_at");
  simdjson::dom::element element;
  tx.amount = JsonMinorUnits(root, "amount").value_or(Money{});
  tx.shipping = JsonMinorUnits(root, "shipping");
  simdjson::dom::array lines;
  if (!root["lines"].get_array().get(lines)) {
    for (auto line : lines) tx.lines.push_back(JsonRefundLine(line));
  }
  tx.status = ParseTxStatus(JsonText(root, "status")).value_or(TxStatus::kFailed);
  tx.error = JsonError(root, "error");
  std::int64_t number = 0;
  if (!root["attempts"].get_int64().get(number)) tx.attempts = static_cast<int>(number);
  if (!root["created_ms"].get_int64().get(number)) tx.created_ms = number;
  if (!root["updated_ms"].get_int64().get(number)) tx.updated_ms = number;
  simdjson::dom::array history;
  if (!root["history"].get_array().get(history)) {
    for (auto entry : history) {
      TxHistoryEntry out;
      if (!entry["at_ms"].get_int64().get(number)) out.at_ms = number;
      out.status = JsonText(entry, "status");
      out.note = JsonText(entry, "note");
      tx.history.push_back(std::move(out));
    }
  }
  bool flag = false;
  if (!root["skipped_for_cutover"].get_bool().get(flag)) {
    tx.skipped_for_cutover = flag;
  } else {
    ReadLegacyCutover(tx);
  }
  simdjson::dom::element noted;
  if (root["ebay_refunds_before_issue"].get(noted)) {
    ReadLegacyIssuingNotes(tx);
  } else if (noted.is_array()) {
    tx.ebay_refunds_before_issue.emplace();
    for (auto id : noted.get_array()) {
      std::string_view text;
      if (!id.get_string().get(text)) tx.ebay_refunds_before_issue->emplace_back(text);
    }
  }
  return tx;
}

}  // namespace refundsync
