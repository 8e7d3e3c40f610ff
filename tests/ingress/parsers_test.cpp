#include <catch2/catch.hpp>

#include "handlers/refund_source.h"
#include "ingress/webhook_parsers.h"

using namespace refundsync;

namespace {

const std::string kShop = "shop.myshopify.com";  // the account's shop_domain

// Shopify's refunds/create fixture shape: numbers for ids and line subtotals, strings for transaction amounts.
const std::string kShopifyRefund = R"({
  "id": 929361472, "order_id": 450789469, "created_at": "2026-11-27T11:38:34-05:00",
  "refund_line_items": [
    {"id": 1, "line_item_id": 466157049, "quantity": 2, "subtotal": 39.98, "total_tax": 3.20,
     "line_item": {"sku": "IPOD2008GREEN"}},
    {"id": 2, "line_item_id": 518995019, "quantity": 1, "subtotal": "10.00", "total_tax": "0.00",
     "line_item": {"sku": "CASE-1"}}
  ],
  "transactions": [
    {"id": 3, "kind": "refund", "status": "success", "amount": "58.18", "currency": "USD", "parent_id": 4},
    {"id": 5, "kind": "refund", "status": "failure", "amount": "99.00", "currency": "USD"}
  ],
  "order_adjustments": [{"kind": "shipping_refund", "amount": "-5.00"}]
})";

}  // namespace

TEST_CASE("Shopify refunds/create becomes a storefront refund in minor units", "[parse][shopify]") {
  const ParsedWebhook parsed = ParseShopifyPayload("shop", "refunds/create", kShopifyRefund, kShop);
  const WebhookEvent& event = parsed.event;
  REQUIRE(event.kind == EventKind::kStorefrontRefund);
  CHECK(event.refund_id == "929361472");
  CHECK(event.order_id == "450789469");
  CHECK(event.created_at == "2026-11-27T11:38:34-05:00");
  CHECK(event.amount == Money{5818, "USD"});  // the failed transaction is not money returned
  CHECK(event.shipping == Money{500, "USD"});
  REQUIRE(event.lines.size() == 2);
  CHECK(event.lines[0].sku == "IPOD2008GREEN");
  CHECK(event.lines[0].line_item_id == "466157049");
  CHECK(event.lines[0].quantity == 2);
  CHECK(event.lines[0].subtotal == Money{3998, "USD"});
  CHECK(event.lines[0].tax == Money{320, "USD"});
  CHECK(event.lines[1].subtotal == Money{1000, "USD"});
  CHECK_FALSE(parsed.redact_capture);
  CHECK(ToJson(event).find(R"("amount":{"minor_units":5818,"currency":"USD"})") != std::string::npos);
}

TEST_CASE("Shopify payloads that verify but cannot be used are ignored with a reason", "[parse][shopify]") {
  struct Case {
    const char* topic;
    std::string body;
    const char* reason;
  };
  const Case cases[] = {
      {"refunds/create", R"({"truncated": )", "not valid JSON"},
      {"refunds/create", kShopifyRefund.substr(0, kShopifyRefund.size() / 2), "not valid JSON"},
      {"refunds/create", "[]", "not valid JSON"},
      {"refunds/create", R"({"order_id": 1})", "without id or order_id"},
      {"refunds/create", R"({"id": 1})", "without id or order_id"},
      {"orders/create", R"({"id": 1})", "topic orders/create is not used"},
      {"", R"({"id": 1})", "no topic header"},
  };
  for (const auto& c : cases) {
    INFO(c.topic << " " << c.body);
    const ParsedWebhook parsed = ParseShopifyPayload("shop", c.topic, c.body, kShop);
    CHECK(parsed.event.kind == EventKind::kIgnored);
    CHECK_THAT(parsed.event.ignore_reason, Catch::Contains(c.reason));
  }
}

TEST_CASE("A refund whose amounts are not money says so (invalid_amount), never a wrong amount or none",
          "[parse][shopify]") {
  const auto refund = [](const std::string& amount, const std::string& currency) {
    const std::string body = R"({"id":1,"order_id":2,"transactions":[{"kind":"refund","status":"success","amount":)" +
                             amount + R"(,"currency":")" + currency + R"("}]})";
    return ParseShopifyPayload("shop", "refunds/create", body, kShop).event;
  };
  for (const auto& [amount, currency] :
       std::vector<std::pair<std::string, std::string>>{{R"("1e2")", "USD"},
                                                        {R"("-5.00")", "USD"},
                                                        {R"("-0")", "USD"},
                                                        {R"("0.105")", "USD"},
                                                        {"0.30000000000000004", "USD"},
                                                        {R"("10.00")", "XYZ"},
                                                        {R"("92233720368547758.08")", "USD"}}) {
    INFO(amount << " " << currency);
    const WebhookEvent event = refund(amount, currency);
    CHECK(event.kind == EventKind::kStorefrontRefund);
    CHECK_FALSE(event.amount.has_value());
    CHECK_THAT(event.amount_error, Catch::Contains("Shopify refund 1"));
  }
  // Two transactions that each fit but not their sum.
  const std::string big = R"({"kind":"refund","status":"success","amount":"92233720368547758.07","currency":"USD"})";
  const WebhookEvent sum =
      ParseShopifyPayload("shop", "refunds/create", R"({"id":1,"order_id":2,"transactions":[)" + big + "," + big + "]}",
                          kShop)
          .event;
  CHECK_THAT(sum.amount_error, Catch::Contains("integer range"));
  // A line refunded at a negative subtotal is not money either.
  const WebhookEvent line =
      ParseShopifyPayload(
          "shop", "refunds/create",
          R"({"id":1,"order_id":2,"refund_line_items":[{"line_item_id":5,"quantity":1,"subtotal":"-3.00"}],)"
          R"("transactions":[{"kind":"refund","status":"success","amount":"3.00","currency":"USD"}]})",
          kShop)
          .event;
  CHECK_THAT(line.amount_error, Catch::Contains("never negative"));
  // A restock-only refund (no refund transaction) has no amount and no error: nothing to do, not invalid.
  const WebhookEvent restock =
      ParseShopifyPayload(
          "shop", "refunds/create",
          R"({"id":1,"order_id":2,"refund_line_items":[{"line_item_id":5,"quantity":1}],"transactions":[]})", kShop)
          .event;
  CHECK_FALSE(restock.amount.has_value());
  CHECK(restock.amount_error.empty());
  // A successful transaction of zero is no money, not an invalid amount (the refund is then skipped, not failed).
  CHECK(refund(R"("0.00")", "USD").amount == Money{0, "USD"});
  CHECK(refund(R"("0.00")", "USD").amount_error.empty());
  // And a good one is read to the cent, its error carried through the queue entry.
  CHECK(refund(R"("19.99")", "USD").amount == Money{1999, "USD"});
  CHECK(ToJson(refund(R"("-5.00")", "USD")).find(R"("amount_error":")") != std::string::npos);
}

TEST_CASE("Shopify privacy topics name what to purge and are captured without their body", "[parse][shopify]") {
  const ParsedWebhook customer = ParseShopifyPayload(
      "shop", "customers/redact",
      R"({"shop_id":954889,"shop_domain":"shop.myshopify.com","customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"},"orders_to_redact":[299938,280263]})",
      kShop);
  CHECK(customer.event.kind == EventKind::kPrivacyRedaction);
  CHECK(customer.redact_capture);
  CHECK_FALSE(customer.event.privacy_whole_account);
  CHECK(customer.event.privacy_subjects ==
        std::vector<std::string>{"191167", "john@example.com", "555-625-1199", "299938", "280263"});
  const ParsedWebhook shop =
      ParseShopifyPayload("shop", "shop/redact", R"({"shop_id":954889,"shop_domain":"shop.myshopify.com"})", kShop);
  CHECK(shop.event.kind == EventKind::kPrivacyRedaction);
  CHECK(shop.event.privacy_whole_account);
  CHECK(ParseShopifyPayload("shop", "customers/redact", "{not json", kShop).redact_capture);
}

TEST_CASE("eBay notifications", "[parse][ebay]") {
  const ParsedWebhook deletion = ParseEbayPayload(
      "ebay-us",
      R"({"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION","schemaVersion":"1.0"},"notification":{"notificationId":"n-1","data":{"username":"buyer_1","userId":"u1","eiasToken":"t"}}})");
  CHECK(deletion.event.kind == EventKind::kPrivacyRedaction);
  CHECK(deletion.dedupe_id == "n-1");
  CHECK(deletion.redact_capture);
  CHECK(deletion.event.privacy_subjects == std::vector<std::string>{"buyer_1", "u1", "t"});

  const ParsedWebhook order = ParseEbayPayload(
      "ebay-us",
      R"({"metadata":{"topic":"ORDER_CONFIRMATION"},"notification":{"notificationId":"n-2","data":{"user":{"userId":"u"},"order":{"orderId":"13-14786-65872","orderLineItems":[]}}}})");
  CHECK(order.event.kind == EventKind::kStorefrontOrderChanged);
  CHECK(order.event.order_id == "13-14786-65872");

  const ParsedWebhook other = ParseEbayPayload(
      "ebay-us",
      R"({"metadata":{"topic":"ITEM_MARKED_SHIPPED"},"notification":{"notificationId":"n-3","data":{"itemId":"1"}}})");
  CHECK(other.event.kind == EventKind::kIgnored);
  CHECK(other.dedupe_id == "n-3");

  const ParsedWebhook broken = ParseEbayPayload("ebay-us", R"({"metadata":)");
  CHECK(broken.event.kind == EventKind::kIgnored);
  CHECK(broken.dedupe_id.empty());
}

TEST_CASE("NetSuite record events", "[parse][netsuite]") {
  const ParsedWebhook ok =
      ParseNetSuitePayload(R"({"record_type":"creditmemo","record_id":"4711","event":"create","extra":1})");
  CHECK(ok.event.kind == EventKind::kNetSuiteRecord);
  CHECK(ok.event.record_type == "creditmemo");
  CHECK(ok.event.record_id == "4711");
  CHECK(ok.event.record_event == "create");
  CHECK(ParseNetSuitePayload(R"({"record_type":"cashrefund","record_id":12,"event":"delete"})").event.record_id ==
        "12");
  for (const char* bad : {R"({"record_type":"invoice","record_id":"1","event":"create"})",
                          R"({"record_type":"creditmemo","event":"create"})",
                          R"({"record_type":"creditmemo","record_id":"1","event":"void"})", "nope"}) {
    INFO(bad);
    CHECK(ParseNetSuitePayload(bad).event.kind == EventKind::kIgnored);
  }
}

TEST_CASE("Ids that go into upstream URLs are only what the vendor's ids are made of", "[parse]") {
  // A signed NetSuite event once made the worker GET /services/rest/record/v1/salesOrder/1.
  const ParsedWebhook traversal =
      ParseNetSuitePayload(R"({"record_type":"creditmemo","record_id":"1/../../salesOrder/1","event":"create"})");
  CHECK(traversal.event.kind == EventKind::kIgnored);
  CHECK_THAT(traversal.event.ignore_reason, Catch::Contains("not a NetSuite internal id"));
  const ParsedWebhook shopify = ParseShopifyPayload("shop", "refunds/create", R"({"id":"1/../2","order_id":3})", kShop);
  CHECK(shopify.event.kind == EventKind::kIgnored);
  CHECK_THAT(shopify.event.ignore_reason, Catch::Contains("not a Shopify id"));
  const ParsedWebhook ebay = ParseEbayPayload(
      "ebay-us",
      R"({"metadata":{"topic":"ORDER_CONFIRMATION"},"notification":{"notificationId":"n-9","data":{"order":{"orderId":"12-3/../x"}}}})");
  CHECK(ebay.event.kind == EventKind::kIgnored);
  CHECK_THAT(ebay.event.ignore_reason, Catch::Contains("not an eBay order id"));
  // The ids the vendors do use still pass.
  CHECK(ParseNetSuitePayload(R"({"record_type":"creditmemo","record_id":"4711","event":"create"})").event.kind ==
        EventKind::kNetSuiteRecord);
  CHECK(
      ParseEbayPayload(
          "ebay-us",
          R"({"metadata":{"topic":"ORDER_CONFIRMATION"},"notification":{"notificationId":"n-8","data":{"order":{"orderId":"13-14786-65872"}}}})")
          .event.kind == EventKind::kStorefrontOrderChanged);
}

TEST_CASE("A privacy purge is justified by its own body, not by the unsigned topic header", "[parse][shopify]") {
  // A validly signed refunds/create body re-sent with X-Shopify-Topic: shop/redact once purged every capture.
  const ParsedWebhook replayed = ParseShopifyPayload("shop", "shop/redact", kShopifyRefund, kShop);
  CHECK(replayed.event.kind == EventKind::kIgnored);
  CHECK(replayed.event.privacy_subjects.empty());
  CHECK_FALSE(replayed.event.privacy_whole_account);
  // Another shop's redaction purges nothing here.
  const ParsedWebhook other =
      ParseShopifyPayload("shop", "shop/redact", R"({"shop_id":1,"shop_domain":"other.myshopify.com"})", kShop);
  CHECK(other.event.kind == EventKind::kIgnored);
  CHECK_THAT(other.event.ignore_reason, Catch::Contains("other.myshopify.com"));
  // customers/redact must name this shop and a customer.
  CHECK(ParseShopifyPayload("shop", "customers/redact", R"({"shop_domain":"shop.myshopify.com"})", kShop).event.kind ==
        EventKind::kIgnored);
  CHECK(ParseShopifyPayload("shop", "customers/redact", R"({"shop_domain":"shop.myshopify.com","customer":{"id":7}})",
                            kShop)
            .event.kind == EventKind::kPrivacyRedaction);
}

TEST_CASE(
    "What names our own writes coming back is read and survives the queue: a NetSuite event's external id and "
    "memo, a Shopify refund's note",
    "[parse][netsuite][shopify]") {
  const ParsedWebhook ours = ParseNetSuitePayload(
      R"({"record_type":"creditmemo","record_id":"4711","event":"create","external_id":"rs-tx_0123456789abcdef0123",)"
      R"("memo":"rs-tx_0123456789abcdef0123 refundsync shopify:refund:1"})");
  CHECK(ours.event.external_id == "rs-tx_0123456789abcdef0123");
  CHECK(ours.event.memo == "rs-tx_0123456789abcdef0123 refundsync shopify:refund:1");
  auto queued = WebhookEventFromJson(ToJson(ours.event));
  REQUIRE(queued);
  CHECK(queued->external_id == ours.event.external_id);
  CHECK(queued->memo == ours.event.memo);
  // An older SuiteScript sends neither: the record is read instead.
  const ParsedWebhook older =
      ParseNetSuitePayload(R"({"record_type":"creditmemo","record_id":"4711","event":"create"})");
  CHECK(older.event.external_id.empty());
  CHECK(older.event.memo.empty());

  std::string body = kShopifyRefund;
  body.insert(body.find('{') + 1, R"("note": "NetSuite netsuite:creditmemo:1009", )");
  const ParsedWebhook refund = ParseShopifyPayload("shop", "refunds/create", body, kShop);
  CHECK(refund.event.note == "NetSuite netsuite:creditmemo:1009");
  auto queued_refund = WebhookEventFromJson(ToJson(refund.event));
  REQUIRE(queued_refund);
  CHECK(queued_refund->note == refund.event.note);
  // A null note (Shopify's default) is no note.
  body = kShopifyRefund;
  body.insert(body.find('{') + 1, R"("note": null, )");
  CHECK(ParseShopifyPayload("shop", "refunds/create", body, kShop).event.note.empty());
}
