#include "ingress/webhook_parsers.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "ingress/shopify_verifier.h"

namespace refundsync {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

// Ids arrive as numbers (Shopify) or strings (eBay, NetSuite); we keep them as text.
std::optional<std::string> IdText(value v) {
  json_type type;
  if (v.type().get(type)) return std::nullopt;
  if (type == json_type::string) {
    std::string_view text;
    if (v.get_string().get(text) || text.empty()) return std::nullopt;
    return std::string(text);
  }
  if (type == json_type::number) {
    std::uint64_t number;
    if (v.get_uint64().get(number)) return std::nullopt;
    return std::to_string(number);
  }
  return std::nullopt;
}

// A decimal amount as text, whether sent as a JSON string ("19.99") or number (19.99): the number's own
// characters, never a double.
std::optional<std::string> DecimalText(value v) {
  json_type type;
  if (v.type().get(type)) return std::nullopt;
  std::string_view text;
  if (type == json_type::string) {
    if (v.get_string().get(text)) return std::nullopt;
    return std::string(text);
  }
  if (type != json_type::number) return std::nullopt;
  text = v.raw_json_token();
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::optional<std::string> StringField(object& obj, std::string_view key) {
  value v;
  if (obj.find_field_unordered(key).get(v)) return std::nullopt;
  std::string_view text;
  if (v.get_string().get(text)) return std::nullopt;
  return std::string(text);
}

// Ids go into upstream URLs: only the characters the vendor's ids have are let through.
bool IsDigits(const std::string& id) {
  return !id.empty() && id.size() <= 20 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); });
}

// eBay order ids: digits and hyphens ("13-14786-65872"), or the legacy alphanumeric form.
bool IsEbayOrderId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

std::optional<std::string> IdField(object& obj, std::string_view key) {
  value v;
  if (obj.find_field_unordered(key).get(v)) return std::nullopt;
  return IdText(v);
}

// On-demand parsing is lazy: a body truncated after the fields we read would pass unnoticed, and a refund
// missing the rest of its transactions must not be taken for a smaller refund. So the whole document is
// validated first (simdjson's DOM stage, a few microseconds for a webhook) and only then read on demand.
// One on-demand parser per thread, reused: a parser allocates its buffers on first use, and a request must not
// pay for that. A document read from it is valid until the same thread parses the next one.
simdjson::ondemand::parser& ThreadParser() {
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

void ValidateWholeDocument(const simdjson::padded_string& padded) {
  thread_local simdjson::dom::parser validator;
  simdjson::dom::element ignored;
  if (auto error = validator.parse(padded).get(ignored)) throw simdjson::simdjson_error(error);
}

ParsedWebhook Ignored(ParsedWebhook parsed, std::string reason) {
  parsed.event.kind = EventKind::kIgnored;
  parsed.event.ignore_reason = std::move(reason);
  return parsed;
}

// What a body that is not JSON (or is cut short) becomes: an ignored event of its source, with simdjson's reason;
// nothing of the half-read body is kept.
ParsedWebhook NotJson(WebhookSource source, const std::string& account, const simdjson::simdjson_error& error) {
  ParsedWebhook fallback;
  fallback.event.source = source;
  fallback.event.account = account;
  return Ignored(std::move(fallback), std::string("body is not valid JSON (") + error.what() + ")");
}

std::optional<Money> ToMoney(const std::optional<std::string>& text, const std::string& currency) {
  if (!text || currency.empty()) return std::nullopt;
  auto money = ParseMoney(*text, currency);
  if (!money) return std::nullopt;
  return *money;
}

// A line's refunded subtotal or tax: absent is fine, present must be a refund amount (never negative).
std::optional<Money> LineMoney(const std::optional<std::string>& text, const std::string& currency,
                               std::string& amount_error) {
  if (!text || currency.empty()) return std::nullopt;
  auto money = ParseRefundAmount(*text, currency);
  if (!money) {
    if (amount_error.empty()) amount_error = "a refund line's " + money.error().message;
    return std::nullopt;
  }
  return *money;
}

struct PendingLine {
  RefundLine line;
  std::optional<std::string> subtotal, tax;
};

ParsedWebhook ParseShopifyRefund(ParsedWebhook parsed, object& root) {
  WebhookEvent& event = parsed.event;
  auto id = IdField(root, "id");
  auto order_id = IdField(root, "order_id");
  if (!id || !order_id) return Ignored(std::move(parsed), "refund without id or order_id");
  if (!IsDigits(*id) || !IsDigits(*order_id))
    return Ignored(std::move(parsed), "refund id or order_id is not a Shopify id (digits)");
  event.refund_id = *id;
  event.order_id = *order_id;
  event.created_at = StringField(root, "created_at").value_or("");
  event.note = StringField(root, "note").value_or("");
  event.kind = EventKind::kStorefrontRefund;

  std::vector<PendingLine> lines;
  simdjson::ondemand::array items;
  if (!root.find_field_unordered("refund_line_items").get_array().get(items)) {
    for (auto item_result : items) {
      object item;
      if (item_result.get_object().get(item)) continue;
      PendingLine pending;
      pending.line.line_item_id = IdField(item, "line_item_id").value_or("");
      std::int64_t quantity = 0;
      if (!item.find_field_unordered("quantity").get_int64().get(quantity)) pending.line.quantity = quantity;
      value v;
      if (!item.find_field_unordered("subtotal").get(v)) pending.subtotal = DecimalText(v);
      if (!item.find_field_unordered("total_tax").get(v)) pending.tax = DecimalText(v);
      object line_item;
      if (!item.find_field_unordered("line_item").get_object().get(line_item)) {
        pending.line.sku = StringField(line_item, "sku").value_or("");
      }
      lines.push_back(std::move(pending));
    }
  }
  // The refund's amount is what went back to the buyer: successful refund transactions, in their currency.
  std::string currency;
  std::int64_t refunded = 0;
  std::string amount_error;  // the first reason the amounts are not money
  simdjson::ondemand::array transactions;
  if (!root.find_field_unordered("transactions").get_array().get(transactions)) {
    for (auto transaction_result : transactions) {
      object transaction;
      if (transaction_result.get_object().get(transaction)) continue;
      const std::string kind = StringField(transaction, "kind").value_or("");
      const std::string status = StringField(transaction, "status").value_or("");
      value v;
      std::optional<std::string> amount;
      if (!transaction.find_field_unordered("amount").get(v)) amount = DecimalText(v);
      const std::string tx_currency = StringField(transaction, "currency").value_or("");
      if (kind != "refund" || status != "success") continue;
      if (!currency.empty() && tx_currency != currency && amount_error.empty()) {
        amount_error = "refund transactions in " + currency + " and " + tx_currency + ": one refund, one currency";
      }
      currency = tx_currency;
      auto money = ParseRefundAmount(amount.value_or(""), currency);
      if (!money) {
        if (amount_error.empty()) amount_error = "a refund transaction's " + money.error().message;
        continue;
      }
      if (!AddMinorUnits(refunded, money->minor_units) && amount_error.empty()) {
        amount_error = "the refund transactions add up beyond the integer range";
      }
    }
  }
  std::int64_t shipping = 0;
  simdjson::ondemand::array adjustments;
  std::vector<std::pair<std::string, std::string>> adjustment_texts;
  if (!root.find_field_unordered("order_adjustments").get_array().get(adjustments)) {
    for (auto adjustment_result : adjustments) {
      object adjustment;
      if (adjustment_result.get_object().get(adjustment)) continue;
      const std::string kind = StringField(adjustment, "kind").value_or("");
      value v;
      std::optional<std::string> amount;
      if (!adjustment.find_field_unordered("amount").get(v)) amount = DecimalText(v);
      if (amount) adjustment_texts.emplace_back(kind, *amount);
    }
  }
  if (!currency.empty() && amount_error.empty()) {
    event.amount = Money{refunded, currency};
    for (const auto& [kind, text] : adjustment_texts) {
      // Shopify writes refunded shipping as a negative order adjustment of kind shipping_refund.
      auto money = ToMoney(text, currency);
      if (!money || kind != "shipping_refund") continue;
      if (money->minor_units > 0 || !AddMinorUnits(shipping, -money->minor_units)) {
        amount_error = "a shipping refund adjustment of " + text + " is not a refund amount";
      }
    }
    if (shipping != 0) event.shipping = Money{shipping, currency};
  }
  for (auto& pending : lines) {
    pending.line.subtotal = LineMoney(pending.subtotal, currency, amount_error);
    pending.line.tax = LineMoney(pending.tax, currency, amount_error);
    event.lines.push_back(std::move(pending.line));
  }
  if (!amount_error.empty()) {
    event.amount.reset();
    event.shipping.reset();
    event.amount_error = "Shopify refund " + event.refund_id + ": " + amount_error;
  }
  return parsed;
}

// A purge is justified by its own body, never by the topic header alone (the HMAC does not cover headers: a signed
// refunds/create body re-sent as shop/redact must purge nothing). shop/redact must name this account's shop;
// customers/redact that shop and a customer.
ParsedWebhook ParseShopifyRedaction(ParsedWebhook parsed, object& root, bool whole_shop,
                                    const std::string& shop_domain) {
  WebhookEvent& event = parsed.event;
  parsed.redact_capture = true;
  const std::string named_shop = StringField(root, "shop_domain").value_or("");
  if (named_shop.empty() || named_shop != shop_domain) {
    return Ignored(std::move(parsed),
                   "the redaction names shop \"" + named_shop + "\", not this account's " + shop_domain);
  }
  event.kind = EventKind::kPrivacyRedaction;
  event.privacy_whole_account = whole_shop;
  if (whole_shop) {
    event.privacy_subjects.push_back(named_shop);
  } else {
    object customer;
    if (!root.find_field_unordered("customer").get_object().get(customer)) {
      if (auto id = IdField(customer, "id")) event.privacy_subjects.push_back(*id);
      if (auto email = StringField(customer, "email")) event.privacy_subjects.push_back(*email);
      if (auto phone = StringField(customer, "phone")) event.privacy_subjects.push_back(*phone);
    }
    if (event.privacy_subjects.empty()) {
      event.kind = EventKind::kIgnored;
      return Ignored(std::move(parsed), "customers/redact names no customer");
    }
    simdjson::ondemand::array orders;
    if (!root.find_field_unordered("orders_to_redact").get_array().get(orders)) {
      for (auto order : orders) {
        value v;
        if (order.get(v)) continue;
        if (auto id = IdText(v)) event.privacy_subjects.push_back(*id);
      }
    }
  }
  return parsed;
}

}  // namespace

ParsedWebhook ParseShopifyPayload(const std::string& account, const std::string& topic, const std::string& body,
                                  const std::string& shop_domain) {
  ParsedWebhook parsed;
  parsed.event.source = WebhookSource::kShopify;
  parsed.event.account = account;
  parsed.event.topic = topic;
  const bool refund = topic == "refunds/create";
  const bool customer_redact = topic == "customers/redact";
  const bool shop_redact = topic == "shop/redact";
  if (!refund && !customer_redact && !shop_redact) {
    return Ignored(std::move(parsed), topic.empty() ? "no topic header" : "topic " + topic + " is not used");
  }
  try {
    simdjson::padded_string padded(body);
    ValidateWholeDocument(padded);
    auto doc = ThreadParser().iterate(padded);
    object root = doc.get_object();
    ParsedWebhook result = refund ? ParseShopifyRefund(std::move(parsed), root)
                                  : ParseShopifyRedaction(std::move(parsed), root, shop_redact, shop_domain);
    return result;
  } catch (const simdjson::simdjson_error& e) {
    ParsedWebhook fallback = NotJson(WebhookSource::kShopify, account, e);
    fallback.event.topic = topic;
    fallback.redact_capture = customer_redact || shop_redact;  // personal data may be in there regardless
    return fallback;
  }
}

ParsedWebhook ParseShopifyWebhook(const VerifiedWebhook& webhook, const std::string& shop_domain) {
  const std::string* topic = ShopifyHeader(webhook.request(), "topic");
  ParsedWebhook parsed = ParseShopifyPayload(webhook.account(), topic ? *topic : "", webhook.body(), shop_domain);
  parsed.dedupe_id = webhook.sender_event_id();
  return parsed;
}

ParsedWebhook ParseEbayPayload(const std::string& account, const std::string& body) {
  ParsedWebhook parsed;
  parsed.event.source = WebhookSource::kEbay;
  parsed.event.account = account;
  try {
    simdjson::padded_string padded(body);
    ValidateWholeDocument(padded);
    auto doc = ThreadParser().iterate(padded);
    object root = doc.get_object();
    object metadata;
    if (!root.find_field_unordered("metadata").get_object().get(metadata)) {
      parsed.event.topic = StringField(metadata, "topic").value_or("");
    }
    object notification;
    if (root.find_field_unordered("notification").get_object().get(notification)) {
      return Ignored(std::move(parsed), "no notification object");
    }
    parsed.dedupe_id = StringField(notification, "notificationId").value_or("");
    object data;
    const bool has_data = !notification.find_field_unordered("data").get_object().get(data);
    const std::string& topic = parsed.event.topic;
    if (topic == "MARKETPLACE_ACCOUNT_DELETION") {
      parsed.event.kind = EventKind::kPrivacyRedaction;
      parsed.redact_capture = true;
      if (has_data) {
        for (const char* key : {"username", "userId", "eiasToken"}) {
          if (auto subject = StringField(data, key)) parsed.event.privacy_subjects.push_back(*subject);
        }
      }
      return parsed;
    }
    // Topics that name an order (ORDER_CONFIRMATION and its kin): read that order's refunds.
    if (has_data) {
      object order;
      std::optional<std::string> order_id;
      if (!data.find_field_unordered("order").get_object().get(order)) order_id = IdField(order, "orderId");
      if (!order_id) order_id = IdField(data, "orderId");
      if (order_id && !IsEbayOrderId(*order_id)) {
        return Ignored(std::move(parsed), "orderId is not an eBay order id (letters, digits, hyphens)");
      }
      if (order_id) {
        parsed.event.kind = EventKind::kStorefrontOrderChanged;
        parsed.event.order_id = *order_id;
        return parsed;
      }
    }
    return Ignored(std::move(parsed), topic.empty() ? "no topic" : "topic " + topic + " names no order");
  } catch (const simdjson::simdjson_error& e) {
    return NotJson(WebhookSource::kEbay, account, e);
  }
}

ParsedWebhook ParseEbayWebhook(const VerifiedWebhook& webhook) {
  return ParseEbayPayload(webhook.account(), webhook.body());
}

ParsedWebhook ParseNetSuitePayload(const std::string& body) {
  ParsedWebhook parsed;
  parsed.event.source = WebhookSource::kNetSuite;
  try {
    simdjson::padded_string padded(body);
    ValidateWholeDocument(padded);
    auto doc = ThreadParser().iterate(padded);
    object root = doc.get_object();
    const std::string type = StringField(root, "record_type").value_or("");
    const auto id = IdField(root, "record_id");
    const std::string event = StringField(root, "event").value_or("");
    parsed.event.topic = type + "." + event;
    if (type != "cashrefund" && type != "creditmemo") {
      return Ignored(std::move(parsed), "record_type is not cashrefund or creditmemo");
    }
    if (!id) return Ignored(std::move(parsed), "no record_id");
    if (!IsDigits(*id)) return Ignored(std::move(parsed), "record_id is not a NetSuite internal id (digits)");
    if (event != "create" && event != "edit" && event != "delete") {
      return Ignored(std::move(parsed), "event is not create, edit or delete");
    }
    parsed.event.kind = EventKind::kNetSuiteRecord;
    parsed.event.record_type = type;
    parsed.event.record_id = *id;
    parsed.event.record_event = event;
    parsed.event.external_id = StringField(root, "external_id").value_or("");
    parsed.event.memo = StringField(root, "memo").value_or("");
    return parsed;
  } catch (const simdjson::simdjson_error& e) {
    return NotJson(WebhookSource::kNetSuite, "", e);
  }
}

ParsedWebhook ParseNetSuiteWebhook(const VerifiedWebhook& webhook) {
  ParsedWebhook parsed = ParseNetSuitePayload(webhook.body());
  parsed.dedupe_id = webhook.sender_event_id();  // the token's jti
  return parsed;
}

}  // namespace refundsync
