// What a verified webhook means, in our words, after its source's parser read it. This is what the ingress
// enqueues for the workers; it never contains the raw body (that lives in the capture).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"

namespace refundsync {

enum class WebhookSource { kShopify, kEbay, kNetSuite };

enum class EventKind {
  kStorefrontRefund,        // a refund made on the storefront (Shopify refunds/create)
  kStorefrontOrderChanged,  // an order changed; read its refunds (eBay order topics: eBay has no refund topic)
  kNetSuiteRecord,          // a NetSuite cash refund / credit memo was created, edited or deleted
  kPrivacyRedaction,        // purge what is stored about a customer, a shop or a marketplace user
  kIgnored,                 // verified, but not a refund matter or not processable
};

struct RefundLine {
  std::string line_item_id;
  std::string sku;
  std::int64_t quantity = 0;
  std::optional<Money> subtotal;  // before tax
  std::optional<Money> tax;
};

struct WebhookEvent {
  WebhookSource source = WebhookSource::kShopify;
  std::string account;  // empty for NetSuite events until the record is read
  std::string topic;
  EventKind kind = EventKind::kIgnored;
  std::string ignore_reason;

  // Storefront refunds and orders.
  std::string order_id;
  std::string refund_id;
  std::string created_at;
  std::optional<Money> amount;    // total refunded to the buyer, tax included
  std::string amount_error;       // set when the payload's amounts are not money (invalid_amount): why
  std::optional<Money> shipping;  // part of amount refunded as shipping
  std::vector<RefundLine> lines;
  std::string note;  // a Shopify refund's note: ours say which NetSuite record they come from

  // NetSuite records.
  std::string record_type;  // cashrefund | creditmemo
  std::string record_id;
  std::string record_event;  // create | edit | delete
  // As the SuiteScript read them from the record (optional): ours carry our marker, so they are recognised as our
  // own writes coming back without reading the record.
  std::string external_id;
  std::string memo;

  // Privacy: identifiers whose stored data must be purged (customer id, e-mail, user name, ...).
  std::vector<std::string> privacy_subjects;
  bool privacy_whole_account = false;  // shop/redact
};

std::string_view WebhookSourceName(WebhookSource source);
std::string_view EventKindName(EventKind kind);

// One compact JSON object, the payload of a queue entry.
std::string ToJson(const WebhookEvent& event);

}  // namespace refundsync
