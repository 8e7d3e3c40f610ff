// Shopify as it really behaves (docs/vendor-fidelity.md, "Shopify"): every query inside Shopify's cost limit as
// the sandbox computes it, refunds/create as a trigger whatever its API version's payload leaves out, and orders
// older than 60 days invisible to a token without read_all_orders. The real binary, a real Redis and the sandbox.
#include <fmt/format.h>
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "clients/http_client.h"
#include "clients/shopify_client.h"
#include "clients/shopify_queries.h"
#include "core/json_writer.h"
#include "tests/support/sync_harness.h"
#include "tests/support/vendor_fixture.h"

using namespace refundsync;
using namespace refundsync::testing;
namespace q = refundsync::shopify_queries;

namespace {

struct Cost {
  std::string operation;
  std::optional<std::int64_t> requested;
  bool refused = false;  // over Shopify's limit: refused before it ran
};

// What the sandbox computed for every GraphQL request so far, in order.
std::vector<Cost> Costs(SyncHarness& h) {
  simdjson::dom::parser parser;
  std::vector<Cost> out;
  for (auto entry : parser.parse(h.sandbox.Control("GET", "/_control/shopify/costs"))["costs"].get_array()) {
    Cost cost;
    cost.operation = std::string(entry["operation"].get_string().value());
    cost.requested = int64_t(entry["requested"].get_int64());
    bool refused = false;
    cost.refused = !entry["refused"].get_bool().get(refused) && refused;
    out.push_back(cost);
  }
  return out;
}

// Each requested cost at most our budget and none refused; returns how many requests there were.
std::size_t RequireAllWithinBudget(SyncHarness& h) {
  const auto costs = Costs(h);
  for (const auto& cost : costs) {
    INFO(cost.operation << " requested " << *cost.requested);
    CHECK_FALSE(cost.refused);
    CHECK(*cost.requested <= q::kShopifyMaxQueryCost);
  }
  return costs.size();
}

std::string AdminTokens(SyncHarness& h) {
  const std::string op = h.dir.Write("s/operator", "operator-token-value\n");
  return "admin:\n  tokens:\n    - {name: ops, role: operator, token_file: \"" + op + "\"}\n";
}

ShopifyAccountConfig SandboxShop(const SyncHarness& h) {
  ShopifyAccountConfig config;
  config.admin_base_url = h.sandbox.BaseUrl();
  config.api_version = "2026-10";
  config.access_token = Secret("shpat_x");
  return config;
}

// The service's Shopify client against the harness's sandbox, outside the service (the client keeps a reference to
// its config: both live here).
struct DirectShopify {
  explicit DirectShopify(const SyncHarness& h) : config(SandboxShop(h)) {}
  ShopifyAccountConfig config;
  CurlHttpClient http;
  ShopifyGraphQlClient client{config, http};
};

}  // namespace

TEST_CASE("The audit's Shopify listing tells the orders read after each page of 12", "[shopify][audit][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  for (int i = 0; i < 30; ++i) {
    h.sandbox.Control("POST", "/_control/shopify/orders/" + std::to_string(4100 + i) + "/refunds",
                      R"({"lines":[],"total":"1.00","send_webhook":false,"create_order":{"account":"shop-eu"}})");
  }
  DirectShopify shopify(h);
  ShopifyGraphQlClient& client = shopify.client;
  std::vector<int> told;
  auto refunds =
      client.RefundSummariesOfOrdersUpdatedSince("2020-01-01T00:00:00Z", [&](int read) { told.push_back(read); });
  REQUIRE(refunds);
  CHECK(refunds->size() == 30);
  CHECK(told == std::vector<int>{12, 24, 30});
}

TEST_CASE("Every Shopify query stays inside the cost budget at its largest page size", "[shopify][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  DirectShopify shopify(h);
  ShopifyGraphQlClient& client = shopify.client;
  struct Case {
    const char* operation;
    const char* query;
    std::string variables;
    int cost;
  };
  const std::vector<Case> cases = {
      {"OrderForRefund", q::kOrderForRefund, R"({"id":"gid://shopify/Order/1"})", q::kOrderForRefundCost},
      {"OrderLineItemsPage", q::kOrderLineItemsPage, R"({"id":"gid://shopify/Order/1","after":null})",
       q::kOrderLineItemsPageCost},
      {"RefundForSync", q::kRefund, R"({"id":"gid://shopify/Refund/1","after":null})", q::kRefundCost},
      {"RefundIdsOfOrders", q::kRefundIdsOfOrders, R"({"after":null,"query":"updated_at:>='2026-01-01T00:00:00Z'"})",
       q::kRefundIdsOfOrdersCost},
      {"RefundIdsOfOrder", q::kRefundIdsOfOrder, R"({"id":"gid://shopify/Order/1"})", q::kRefundIdsOfOrderCost},
      {"RefundCreate", q::kRefundCreate,
       R"({"key":"k1","input":{"orderId":"gid://shopify/Order/1","note":"n","refundLineItems":[],"transactions":[]}})",
       q::kRefundCreateCost},
      {"AccessScopes", q::kAccessScopes, "{}", q::kAccessScopesCost},
      {"Subscriptions", q::kWebhookSubscriptions, R"({"topics":["REFUNDS_CREATE"]})", q::kWebhookSubscriptionsCost},
      {"Subscribe", q::kWebhookSubscriptionCreate,
       R"({"topic":"REFUNDS_CREATE","webhookSubscription":{"uri":"https://example.com/w","format":"JSON"}})",
       q::kWebhookSubscriptionCreateCost},
  };
  for (const auto& c : cases) {
    INFO(c.operation);
    auto answered = client.Execute(c.query, c.variables);
    INFO((answered ? std::string("ok") : answered.error().message));
    REQUIRE(answered);
    const auto costs = Costs(h);
    REQUIRE_FALSE(costs.empty());
    CHECK(costs.back().operation == c.operation);
    CHECK(costs.back().requested == c.cost);  // the figure written next to the query in shopify_queries.h
    CHECK(c.cost <= q::kShopifyMaxQueryCost);
  }

  // The limit is real: the reconciliation query this client sent before (orders(first: 50) with refundLineItems
  // (first: 100) nested in every refund) is refused before it runs.
  auto refused = client.Execute(R"(query Old($query: String!) { orders(first: 50, query: $query) { nodes { refunds {
      refundLineItems(first: 100) { nodes { quantity lineItem { id sku } } } } } } })",
                                R"({"query":"id:1"})");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "upstream_rejected");
  CHECK_THAT(refused.error().message, Catch::Contains("exceeds the single query max cost limit (1000)"));
  CHECK_THAT(refused.error().message, Catch::Contains("MAX_COST_EXCEEDED"));
}

TEST_CASE(
    "Reconciliation and Retrieve over 60 Shopify orders with refunds stay under the cost limit, each refund "
    "posted once",
    "[shopify][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.EditConfig([&](std::string& yaml) { yaml += AdminTokens(h); });
  h.StartServer();
  // 60 orders refunded in Shopify whose webhooks never arrived.
  constexpr int kOrders = 60;
  std::vector<std::string> refund_ids;
  simdjson::dom::parser parser;
  for (int i = 0; i < kOrders; ++i) {
    const std::string order = std::to_string(6100 + i);
    h.SeedNetSuiteOrder("shop-eu-" + order, "invoice", R"([{"sku":"MUG","quantity":2,"rate":"10.00"}])", "5.00");
    h.sandbox.Control("POST", "/_control/shopify/orders",
                      R"({"account":"shop-eu","order_id":")" + order +
                          R"(","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}],"paid":"25.00"})");
    const std::string made =
        h.sandbox.Control("POST", "/_control/shopify/orders/" + order + "/refunds",
                          R"({"lines":[{"sku":"MUG","quantity":1}],"shipping":"5.00","send_webhook":false})");
    refund_ids.emplace_back(parser.parse(made)["refund_id"].get_string().value());
  }

  // An operator retrieves every sixth order; reconciliation then finds the rest (and reads only those).
  const std::map<std::string, std::string> op = {{"Authorization", "Bearer operator-token-value"},
                                                 {"Content-Type", "application/json"}};
  for (int i = 0; i < kOrders; i += 6) {
    auto retrieved = h.client.Request(
        "POST", h.server->BaseUrl() + "/api/transactions/retrieve",
        R"({"account":"shop-eu","source":"storefront","order_id":")" + std::to_string(6100 + i) + "\"}", op);
    INFO(retrieved.body);
    CHECK(retrieved.status == 200);
    const std::string tx_id = TransactionId("shop-eu", "shopify:refund:" + refund_ids[static_cast<std::size_t>(i)]);
    CHECK(retrieved.body.find(R"("imported":[{)") != std::string::npos);
    CHECK(retrieved.body.find(tx_id) != std::string::npos);
  }
  REQUIRE(h.Reconcile("shop-eu") == 0);
  for (const auto& id : refund_ids) {
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:" + id);
    INFO(ToJson(tx));
    CHECK(tx.status == TxStatus::kPosted);
    CHECK(tx.amount == Money{1500, "USD"});
  }
  auto memos = h.Records("creditMemo");
  CHECK(memos.size() == kOrders);
  for (const auto& memo : memos) CHECK(memo.at("lines") == "MUG:1:10.00 Shipping:1:5.00 ");

  // Reconciling again reads refund ids only, and posts nothing again.
  REQUIRE(h.Reconcile("shop-eu") == 0);
  CHECK(h.Records("creditMemo").size() == kOrders);
  CHECK(RequireAllWithinBudget(h) >= kOrders);
}

TEST_CASE(
    "A refunds/create in the 2025-01 shape (no refunded shipping in it) still books the shipping, read from "
    "the refund",
    "[shopify][integration]") {
  SyncHarness h;
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"webhook_api_version":"2025-01"})");
  h.SeedNetSuiteOrder("shop-eu-6201", "invoice", R"([{"sku":"MUG","quantity":2,"rate":"10.00"}])", "5.00");
  h.sandbox.Control(
      "POST", "/_control/shopify/orders",
      R"({"account":"shop-eu","order_id":"6201","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}],"paid":"25.00"})");
  // The merchant refunds one mug and the shipping in Shopify; Shopify sends refunds/create in the app's version.
  const std::string made = h.sandbox.Control("POST", "/_control/shopify/orders/6201/refunds",
                                             R"({"lines":[{"sku":"MUG","quantity":1}],"shipping":"5.00"})");
  simdjson::dom::parser parser;
  const std::string refund_id(parser.parse(made)["refund_id"].get_string().value());
  CHECK(int64_t(parser.parse(made)["webhook_status"].get_int64()) == 200);
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:" + refund_id);
  INFO(ToJson(tx));
  REQUIRE(tx.status == TxStatus::kPosted);
  CHECK(tx.amount == Money{1500, "USD"});
  REQUIRE(tx.shipping.has_value());
  CHECK(*tx.shipping == Money{500, "USD"});
  auto memos = h.Records("creditMemo");
  REQUIRE(memos.size() == 1);
  CHECK(memos[0]["lines"] == "MUG:1:10.00 Shipping:1:5.00 ");
  CHECK(memos[0]["total"] == "15.00");
}

TEST_CASE("A 70-day-old Shopify order with a token lacking read_all_orders fails with the scope named",
          "[shopify][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.EditConfig([&](std::string& yaml) { yaml += AdminTokens(h); });
  h.StartServer();
  // To NetSuite: a refund of an old order arrives as a webhook, but Shopify does not show the refund to the app.
  h.SeedNetSuiteOrder("shop-eu-6301", "invoice", R"([{"sku":"MUG","quantity":2,"rate":"10.00"}])", "5.00");
  h.sandbox.Control(
      "POST", "/_control/shopify/orders",
      R"({"account":"shop-eu","order_id":"6301","age_days":70,"line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}]})");
  // Its payload (API 2026-10) leaves the refunded shipping out.
  const std::string made = h.sandbox.Control("POST", "/_control/shopify/orders/6301/refunds",
                                             R"({"lines":[{"sku":"MUG","quantity":1}],"shipping":"5.00"})");
  simdjson::dom::parser parser;
  const std::string refund_id(parser.parse(made)["refund_id"].get_string().value());
  const Transaction unseen = h.WaitSettled("shop-eu", "shopify:refund:" + refund_id);
  INFO(ToJson(unseen));
  CHECK(unseen.status == TxStatus::kFailed);
  REQUIRE(unseen.error.has_value());
  CHECK(unseen.error->code == "upstream_rejected");
  CHECK_THAT(unseen.error->message, Catch::Contains("read_all_orders"));
  CHECK(h.Records("creditMemo").empty());
  CHECK_FALSE(unseen.shipping.has_value());  // the payload's, for people to see; an operator's post reads Shopify again

  // From NetSuite: a credit memo for an old order cannot be posted to an order Shopify does not show.
  h.sandbox.Control("POST", "/_control/shopify/orders",
                    R"({"order_id":"6302","age_days":70,"line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}]})");
  const std::string seeded = h.sandbox.Control(
      "POST", "/_control/netsuite/orders",
      R"({"external_id":"shop-main-6302","billing":"invoice","lines":[{"sku":"MUG","quantity":2,"rate":"10.00"}]})");
  const std::string invoice(parser.parse(seeded)["billed"]["id"].get_string().value());
  const std::string created = h.sandbox.Control(
      "POST", "/_control/netsuite/refunds",
      fmt::format(
          R"({{"billed_type":"invoice","billed_id":"{}","lines":[{{"sku":"MUG","quantity":1,"amount":"10.00"}}]}})",
          invoice));
  const std::string memo(parser.parse(created)["id"].get_string().value());
  const Transaction old = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  INFO(ToJson(old));
  CHECK(old.status == TxStatus::kFailed);
  REQUIRE(old.error.has_value());
  CHECK_THAT(old.error->message, Catch::Contains("read_all_orders"));

  // Granted the scope, the same order is visible again: the next NetSuite refund of it posts.
  h.sandbox.Control("POST", "/_control/shopify/settings",
                    R"({"scopes":["read_orders","write_orders","read_all_orders"]})");
  const std::string second = h.sandbox.Control(
      "POST", "/_control/netsuite/refunds",
      fmt::format(
          R"({{"billed_type":"invoice","billed_id":"{}","lines":[{{"sku":"MUG","quantity":1,"amount":"10.00"}}]}})",
          invoice));
  const Transaction posted =
      h.WaitSettled("shop-main", "netsuite:creditmemo:" + std::string(parser.parse(second)["id"].get_string().value()));
  CHECK(posted.status == TxStatus::kPosted);

  // ...and an operator's post of the refund that failed reads it from Shopify now, and books it.
  auto post = h.client.Request("POST", h.server->BaseUrl() + "/api/transactions/" + unseen.id + "/post", "",
                               {{"Authorization", "Bearer operator-token-value"}});
  INFO(post.body);
  CHECK(post.status == 200);
  const Transaction booked = h.WaitSettled("shop-eu", "shopify:refund:" + refund_id);
  CHECK(booked.status == TxStatus::kPosted);
  std::vector<std::map<std::string, std::string>> ours;
  for (const auto& memo : h.Records("creditMemo")) {
    if (memo.at("marker") == "rs-" + unseen.id) ours.push_back(memo);  // the others were entered in NetSuite above
  }
  REQUIRE(ours.size() == 1);
  CHECK(ours[0]["lines"] == "MUG:1:10.00 Shipping:1:5.00 ");
}

TEST_CASE("The sandbox's Shopify answers every field of Shopify's documented answers, with the same types",
          "[shopify][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.sandbox.Control("POST", "/_control/shopify/orders",
                    R"({"order_id":"148977776","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}]})");
  const std::string made = h.sandbox.Control("POST", "/_control/shopify/orders/148977776/refunds",
                                             R"({"lines":[{"sku":"MUG","quantity":1}],"send_webhook":false})");
  simdjson::dom::parser made_parser;
  const std::string refund_id(made_parser.parse(made)["refund_id"].get_string().value());
  const auto graphql = [&](const std::string& query, const std::string& variables = "{}") {
    JsonWriter body;
    body.BeginObject().Key("query").String(query).Key("variables").Raw(variables).EndObject();
    auto response = h.client.Request("POST", h.sandbox.BaseUrl() + "/admin/api/2026-10/graphql.json", body.str(),
                                     {{"X-Shopify-Access-Token", "shpat_x"}, {"Content-Type", "application/json"}});
    REQUIRE(response.status == 200);
    return response.body;
  };
  const auto check = [](const std::string& fixture, const std::string& answer, const char* part) {
    INFO(fixture << ": " << answer);
    simdjson::dom::parser documented, actual;
    simdjson::dom::element root = actual.parse(answer);
    simdjson::dom::element compared = root;
    if (std::string(part) == "data") compared = root["data"];
    CheckDocumentedShape(documented.parse(VendorFixture("shopify", fixture)), compared, fixture);
  };
  // The selections are those of Shopify's documented examples.
  check("graphql-refund-query-response.json",
        graphql("query { refund(id: \"gid://shopify/Refund/" + refund_id +
                "\") { id note totalRefundedSet { presentmentMoney { amount currencyCode } } } }"),
        "data");
  check(
      "order-query-response.json",
      graphql(
          R"(query { order(id: "gid://shopify/Order/148977776") { id name totalPriceSet { presentmentMoney { amount } } lineItems(first: 5) { nodes { id name } } } })"),
      "data");
  check(
      "order-transactions-query-response.json",
      graphql(
          R"(query { order(id: "gid://shopify/Order/148977776") { transactions(first: 10) { amountSet { presentmentMoney { amount currencyCode } shopMoney { amount currencyCode } } gateway id kind status } } })"),
      "data");
  check("access-scopes-response.json", graphql("query { currentAppInstallation { accessScopes { handle } } }"), "data");
  check(
      "graphql-refund-create-response.json",
      graphql(
          R"(mutation M($input: RefundInput!) { refundCreate(input: $input) @idempotent(key: "doc-1") { userErrors { field message } refund { id totalRefundedSet { presentmentMoney { amount } } transactions(first: 10) { edges { node { amountSet { presentmentMoney { amount } } status } } } } } })",
          R"({"input":{"orderId":"gid://shopify/Order/148977776","refundLineItems":[],"transactions":[{"orderId":"gid://shopify/Order/148977776","parentId":"gid://shopify/OrderTransaction/1489777761","amount":"1.00","gateway":"shopify_payments","kind":"REFUND"}]}})"),
      "data");
  check("graphql-cost-extensions.json", graphql("query { currentAppInstallation { id } }"), "whole");
  check("graphql-max-cost-exceeded.json",
        graphql("query { orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }"), "whole");
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"currently_available":0,"restore_rate":0.001})");
  check("graphql-throttled.json", graphql("query { currentAppInstallation { id } }"), "whole");
}

TEST_CASE("A Shopify refund is booked once its money went back: pending at the gateway waits, failed books nothing",
          "[shopify][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-6401", "invoice", R"([{"sku":"MUG","quantity":2,"rate":"10.00"}])");
  h.sandbox.Control(
      "POST", "/_control/shopify/orders",
      R"({"account":"shop-eu","order_id":"6401","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}],"paid":"20.00"})");
  simdjson::dom::parser parser;
  // The gateway has not decided yet when refunds/create arrives (the refund exists; its money may not come back).
  const std::string pending_made =
      h.sandbox.Control("POST", "/_control/shopify/orders/6401/refunds",
                        R"({"lines":[{"sku":"MUG","quantity":1}],"transaction_status":"PENDING"})");
  const std::string pending_id(parser.parse(pending_made)["refund_id"].get_string().value());
  const Transaction waiting = h.WaitTx("shop-eu", "shopify:refund:" + pending_id, [](const Transaction& t) {
    return t.status == TxStatus::kImported && t.attempts >= 1;
  });
  CHECK_THAT(LastPostNote(waiting), Catch::Contains("pending at the payment gateway"));
  CHECK(h.Records("creditMemo").empty());
  // The gateway settles it: the next look books it, once.
  h.sandbox.Control("POST", "/_control/shopify/settings",
                    R"({"refund_transaction_status":"SUCCESS","settle_pending":true})");
  const Transaction booked = h.WaitSettled("shop-eu", "shopify:refund:" + pending_id);
  CHECK(booked.status == TxStatus::kPosted);
  CHECK(booked.amount == Money{1000, "USD"});
  REQUIRE(h.Records("creditMemo").size() == 1);

  // A refund whose transaction the gateway declined returned nothing: nothing is booked, and the reason is shown.
  const std::string failed_made =
      h.sandbox.Control("POST", "/_control/shopify/orders/6401/refunds",
                        R"({"lines":[{"sku":"MUG","quantity":1}],"transaction_status":"FAILURE"})");
  const std::string failed_id(parser.parse(failed_made)["refund_id"].get_string().value());
  const Transaction declined = h.WaitSettled("shop-eu", "shopify:refund:" + failed_id);
  INFO(ToJson(declined));
  CHECK(declined.status == TxStatus::kFailed);
  REQUIRE(declined.error.has_value());
  CHECK_THAT(declined.error->message, Catch::Contains("failed at the payment gateway"));
  CHECK(h.Records("creditMemo").size() == 1);
}
