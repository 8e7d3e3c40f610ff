// The dry run's plan is the handlers' own call sequence: what they would send, in order, for each kind of event.
#include "cli/dry_run_plan.h"

#include <catch2/catch.hpp>

using namespace refundsync;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;

Config TwoAccounts() {
  Config config;
  config.netsuite.rest_base_url = "https://ns.example";
  AccountConfig shop;
  shop.id = "shop";
  shop.channel = Channel::kShopify;
  shop.direction = Direction::kToNetSuite;
  shop.order_external_id = "shop-{order_id}";
  shop.shopify = ShopifyAccountConfig{"shop.example", "https://shop.example", "2025-01", Secret{}, {}};
  AccountConfig back;
  back.id = "back";
  back.channel = Channel::kShopify;
  back.direction = Direction::kFromNetSuite;
  back.order_external_id = "back-{order_id}";
  back.shopify = ShopifyAccountConfig{"back.example", "https://back.example", "2025-01", Secret{}, {}};
  config.accounts = {shop, back};
  return config;
}

bool Starts(const std::string& step, const std::string& prefix) { return step.rfind(prefix, 0) == 0; }

// The SuiteScript's event for a cash refund or credit memo just created.
WebhookEvent NetSuiteRecordCreated(const std::string& record_type, const std::string& record_id) {
  WebhookEvent event;
  event.source = WebhookSource::kNetSuite;
  event.kind = EventKind::kNetSuiteRecord;
  event.record_type = record_type;
  event.record_id = record_id;
  event.record_event = "create";
  return event;
}

}  // namespace

TEST_CASE("Dry-run plan of a Shopify refund to NetSuite: the refund, the context, the create, the read-back", "[cli]") {
  WebhookEvent event;
  event.source = WebhookSource::kShopify;
  event.account = "shop";
  event.kind = EventKind::kStorefrontRefund;
  event.order_id = "1001";
  event.refund_id = "77";
  event.created_at = "2026-05-28T20:00:00Z";
  event.amount = Money{1500, "USD"};
  event.lines = {RefundLine{"1", "MUG", 1, Money{1500, "USD"}, Money{0, "USD"}}};
  const auto plan = PlanFor(TwoAccounts(), event, kNow);
  REQUIRE(plan.size() == 4);
  CHECK(Starts(plan[0], "POST https://shop.example/admin/api/2025-01/graphql.json (refund 77"));
  CHECK(Starts(plan[1],
               "POST https://ns.example/services/rest/query/v1/suiteql (the refund context of sales order "
               "eid:shop-1001"));
  CHECK(plan[2].find("!transform/{cashRefund|creditMemo}?replace=item (1 line(s), 15.00 USD)") != std::string::npos);
  CHECK(Starts(plan[3], "GET https://ns.example/services/rest/record/v1/{cashRefund|creditMemo}/{new id}"));
}

TEST_CASE("Dry-run plan of a NetSuite credit memo: the record, its origin, the order, the refund", "[cli]") {
  WebhookEvent event = NetSuiteRecordCreated("creditmemo", "5001");
  const auto plan = PlanFor(TwoAccounts(), event, kNow);
  REQUIRE(plan.size() == 4);
  CHECK(Starts(plan[0], "GET https://ns.example/services/rest/record/v1/creditMemo/5001"));
  CHECK(Starts(plan[1], "POST https://ns.example/services/rest/query/v1/suiteql (billed record"));
  CHECK(Starts(plan[2], "POST https://back.example/admin/api/2025-01/graphql.json (order order"));
  CHECK(plan[3].find("refundCreate @idempotent") != std::string::npos);
}

TEST_CASE("Dry-run plan: a refund against the account's direction sends nothing and says so", "[cli]") {
  WebhookEvent event;
  event.source = WebhookSource::kShopify;
  event.account = "back";
  event.kind = EventKind::kStorefrontRefund;
  event.order_id = "1001";
  event.refund_id = "78";
  event.amount = Money{1500, "USD"};
  const auto plan = PlanFor(TwoAccounts(), event, kNow);
  REQUIRE(plan.size() == 1);
  CHECK(Starts(plan[0], "(skipped: account back syncs refunds from NetSuite"));
}

TEST_CASE(
    "Dry-run plan of a NetSuite record with two accounts syncing from NetSuite: one plan per account, "
    "each headed",
    "[cli]") {
  Config config = TwoAccounts();
  AccountConfig other = config.accounts[1];
  other.id = "other";
  other.order_external_id = "other-{order_id}";
  other.shopify = ShopifyAccountConfig{"other.example", "https://other.example", "2025-01", Secret{}, {}};
  config.accounts.push_back(other);
  WebhookEvent event = NetSuiteRecordCreated("cashrefund", "5002");
  const auto plan = PlanFor(config, event, kNow);
  REQUIRE(plan.size() == 10);
  CHECK(plan[0] == "(if the record is for an order of account back)");
  CHECK(Starts(plan[3], "POST https://back.example/admin/api/2025-01/graphql.json (order order"));
  CHECK(plan[5] == "(if the record is for an order of account other)");
  CHECK(Starts(plan[8], "POST https://other.example/admin/api/2025-01/graphql.json (order order"));
}

TEST_CASE("Dry-run plan of a NetSuite record when no account syncs from NetSuite: the record is read, nothing posted",
          "[cli]") {
  Config config = TwoAccounts();
  config.accounts.pop_back();
  WebhookEvent event = NetSuiteRecordCreated("creditmemo", "5003");
  const auto plan = PlanFor(config, event, kNow);
  for (const auto& step : plan) CHECK(step.find("graphql.json") == std::string::npos);
}

TEST_CASE("Dry-run plan of our own write coming back: nothing is sent, the origin is named", "[cli]") {
  WebhookEvent event = NetSuiteRecordCreated("creditmemo", "5004");
  event.memo = "rs-tx_0123456789abcdef0123 refundsync shopify:refund:77";
  const auto plan = PlanFor(TwoAccounts(), event, kNow);
  REQUIRE(plan.size() == 1);
  CHECK(Starts(plan[0], "(our own write coming back: noted in the history of tx_0123456789abcdef0123"));
}
