#include "handlers/refund_source.h"

#include <simdjson.h>

#include "core/json_read.h"

namespace refundsync {
namespace {

Transaction NewTransaction(const AccountConfig& account, const std::string& source_record, std::int64_t now_ms) {
  Transaction tx;
  tx.account = account.id;
  tx.direction = std::string(DirectionName(account.direction));
  tx.source_record = source_record;
  tx.id = TransactionId(account.id, source_record);
  tx.created_ms = now_ms;
  tx.Record(now_ms, TxStatus::kImported, "imported from " + source_record);
  return tx;
}

}  // namespace

Transaction TransactionFromShopifyRefund(const AccountConfig& account, const WebhookEvent& event, std::int64_t now_ms) {
  Transaction tx = NewTransaction(account, "shopify:refund:" + event.refund_id, now_ms);
  tx.order_id = event.order_id;
  tx.source_created_at = event.created_at;
  tx.amount = event.amount.value_or(Money{0, "USD"});
  tx.shipping = event.shipping;
  tx.lines = event.lines;
  if (!event.amount_error.empty()) tx.error = Error{"invalid_amount", event.amount_error};
  return tx;
}

Transaction TransactionFromShopifyRecord(const AccountConfig& account, const ShopifyRefundRecord& refund,
                                         std::int64_t now_ms) {
  WebhookEvent event;
  event.source = WebhookSource::kShopify;
  event.account = account.id;
  event.kind = EventKind::kStorefrontRefund;
  event.order_id = refund.order_id;
  event.refund_id = refund.refund_id;
  event.created_at = refund.created_at;
  event.amount = refund.amount;
  event.shipping = refund.shipping;
  event.lines = refund.lines;
  return TransactionFromShopifyRefund(account, event, now_ms);
}

Transaction TransactionFromShopifyRef(const AccountConfig& account, const ShopifyRefundRef& ref, std::int64_t now_ms) {
  WebhookEvent event;
  event.source = WebhookSource::kShopify;
  event.account = account.id;
  event.kind = EventKind::kStorefrontRefund;
  event.order_id = ref.order_id;
  event.refund_id = ref.refund_id;
  return TransactionFromShopifyRefund(account, event, now_ms);
}

std::vector<Transaction> TransactionsFromEbayOrder(const AccountConfig& account, const EbayOrder& order,
                                                   std::int64_t now_ms) {
  std::vector<Transaction> out;
  // Order-level refunds are in paymentSummary.refunds (with a status); a line item's refunds only on the line,
  // without one ([B]: taken as done once listed).
  std::vector<EbayRefund> refunds = order.refunds;
  for (const auto& item : order.line_items) {
    for (const auto& line_refund : item.refunds) {
      bool listed = false;
      for (const auto& refund : order.refunds) listed |= refund.refund_id == line_refund.refund_id;
      if (listed) continue;
      EbayRefund done = line_refund;
      done.status = "REFUNDED";
      refunds.push_back(std::move(done));
    }
  }
  for (const auto& refund : refunds) {
    if (refund.status != "REFUNDED") continue;  // PENDING ones are imported once eBay completes them
    if (refund.amount_missing) continue;        // likewise, a line's refund that has no amount yet
    Transaction tx = NewTransaction(account, "ebay:refund:" + refund.refund_id, now_ms);
    tx.order_id = order.order_id;
    tx.source_created_at = refund.date;
    tx.amount = refund.amount;
    if (!refund.amount_error.empty()) tx.error = Error{"invalid_amount", refund.amount_error};
    for (const auto& item : order.line_items) {
      bool of_this_line = false;
      for (const auto& id : item.refund_ids) of_this_line |= id == refund.refund_id;
      if (!of_this_line) continue;
      RefundLine line;
      line.line_item_id = item.line_item_id;
      line.sku = item.sku;
      const std::int64_t unit = item.unit_price.minor_units;
      const bool whole_units =
          unit > 0 && refund.amount.minor_units % unit == 0 && refund.amount.minor_units / unit <= item.quantity;
      line.quantity = whole_units ? refund.amount.minor_units / unit : 1;
      line.subtotal = refund.amount;  // eBay reports what the buyer got back; NetSuite tax differences are adjusted
      tx.lines.push_back(std::move(line));
      break;
    }
    out.push_back(std::move(tx));
  }
  return out;
}

Result<WebhookEvent> WebhookEventFromJson(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) || !root.is_object()) return MakeError("corrupt", "queued event is not JSON");
  WebhookEvent event;
  const std::string source = JsonText(root, "source");
  event.source = source == "ebay"       ? WebhookSource::kEbay
                 : source == "netsuite" ? WebhookSource::kNetSuite
                                        : WebhookSource::kShopify;
  event.account = JsonText(root, "account");
  event.topic = JsonText(root, "topic");
  const std::string kind = JsonText(root, "kind");
  for (EventKind candidate : {EventKind::kStorefrontRefund, EventKind::kStorefrontOrderChanged,
                              EventKind::kNetSuiteRecord, EventKind::kPrivacyRedaction, EventKind::kIgnored}) {
    if (EventKindName(candidate) == kind) event.kind = candidate;
  }
  event.order_id = JsonText(root, "order_id");
  event.refund_id = JsonText(root, "refund_id");
  event.created_at = JsonText(root, "created_at");
  event.amount = JsonMinorUnits(root, "amount");
  event.amount_error = JsonText(root, "amount_error");
  event.shipping = JsonMinorUnits(root, "shipping");
  simdjson::dom::array lines;
  if (!root["lines"].get_array().get(lines)) {
    for (auto line : lines) event.lines.push_back(JsonRefundLine(line));
  }
  event.record_type = JsonText(root, "record_type");
  event.record_id = JsonText(root, "record_id");
  event.record_event = JsonText(root, "record_event");
  event.note = JsonText(root, "note");
  event.external_id = JsonText(root, "external_id");
  event.memo = JsonText(root, "memo");
  simdjson::dom::array subjects;
  if (!root["privacy_subjects"].get_array().get(subjects)) {
    for (auto subject : subjects) {
      std::string_view text;
      if (!subject.get_string().get(text)) event.privacy_subjects.emplace_back(text);
    }
  }
  bool whole = false;
  if (!root["privacy_whole_account"].get_bool().get(whole)) event.privacy_whole_account = whole;
  return event;
}

}  // namespace refundsync
