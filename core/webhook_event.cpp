#include "core/webhook_event.h"

#include "core/json_writer.h"

namespace refundsync {
namespace {

void WriteMoney(JsonWriter& json, std::string_view key, const std::optional<Money>& money) {
  if (money) WriteMinorUnits(json, key, *money);
}

}  // namespace

std::string_view WebhookSourceName(WebhookSource source) {
  switch (source) {
    case WebhookSource::kShopify:
      return "shopify";
    case WebhookSource::kEbay:
      return "ebay";
    case WebhookSource::kNetSuite:
      return "netsuite";
  }
  return "shopify";
}

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kStorefrontRefund:
      return "storefront_refund";
    case EventKind::kStorefrontOrderChanged:
      return "storefront_order_changed";
    case EventKind::kNetSuiteRecord:
      return "netsuite_record";
    case EventKind::kPrivacyRedaction:
      return "privacy_redaction";
    case EventKind::kIgnored:
      return "ignored";
  }
  return "ignored";
}

std::string ToJson(const WebhookEvent& event) {
  JsonWriter json;
  json.BeginObject();
  json.Key("source").String(WebhookSourceName(event.source));
  json.Key("account").String(event.account);
  json.Key("topic").String(event.topic);
  json.Key("kind").String(EventKindName(event.kind));
  if (!event.order_id.empty()) json.Key("order_id").String(event.order_id);
  if (!event.refund_id.empty()) json.Key("refund_id").String(event.refund_id);
  if (!event.created_at.empty()) json.Key("created_at").String(event.created_at);
  WriteMoney(json, "amount", event.amount);
  if (!event.amount_error.empty()) json.Key("amount_error").String(event.amount_error);
  WriteMoney(json, "shipping", event.shipping);
  if (!event.lines.empty()) {
    json.Key("lines").BeginArray();
    for (const auto& line : event.lines) {
      json.BeginObject();
      json.Key("line_item_id").String(line.line_item_id).Key("sku").String(line.sku).Key("quantity").Int(line.quantity);
      WriteMoney(json, "subtotal", line.subtotal);
      WriteMoney(json, "tax", line.tax);
      json.EndObject();
    }
    json.EndArray();
  }
  if (!event.note.empty()) json.Key("note").String(event.note);
  if (!event.record_type.empty()) {
    json.Key("record_type").String(event.record_type).Key("record_id").String(event.record_id);
    json.Key("record_event").String(event.record_event);
    if (!event.external_id.empty()) json.Key("external_id").String(event.external_id);
    if (!event.memo.empty()) json.Key("memo").String(event.memo);
  }
  if (event.kind == EventKind::kPrivacyRedaction) {
    json.Key("privacy_subjects").BeginArray();
    for (const auto& subject : event.privacy_subjects) json.String(subject);
    json.EndArray();
    json.Key("privacy_whole_account").Bool(event.privacy_whole_account);
  }
  json.EndObject();
  return json.Take();
}

}  // namespace refundsync
