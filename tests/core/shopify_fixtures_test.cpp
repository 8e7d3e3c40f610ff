// The Shopify client reads Shopify's documented answers (tests/data/vendor/shopify/, sources in its README): the
// cost limit, throttling with throttleStatus, access scopes, an order.
#include <catch2/catch.hpp>
#include <deque>

#include "clients/shopify_client.h"
#include "core/transaction.h"
#include "ingress/webhook_parsers.h"
#include "tests/support/vendor_fixture.h"

using namespace refundsync;

namespace {

std::string Fixture(const std::string& name) { return refundsync::testing::VendorFixture("shopify", name); }

// Answers each request with the next canned body (HTTP 200), and remembers what was asked.
class CannedHttp : public HttpClient {
 public:
  explicit CannedHttp(std::deque<std::string> bodies) : bodies_(std::move(bodies)) {}
  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    sent.push_back(request.body);
    REQUIRE_FALSE(bodies_.empty());
    OutboundResponse response;
    response.status = 200;
    response.body = bodies_.front();
    bodies_.pop_front();
    return response;
  }
  std::vector<std::string> sent;

 private:
  std::deque<std::string> bodies_;
};

// A documented `data` object as a whole answer.
std::string Answer(const std::string& data) { return R"({"data":)" + data + "}"; }

ShopifyAccountConfig Account() {
  ShopifyAccountConfig config;
  config.admin_base_url = "https://example.myshopify.com";
  config.api_version = "2026-10";
  config.access_token = Secret("shpat_x");
  return config;
}

}  // namespace

TEST_CASE("A query over Shopify's cost limit is refused, not retried, and the error names the code", "[shopify]") {
  const ShopifyAccountConfig config = Account();
  CannedHttp http({Fixture("graphql-max-cost-exceeded.json")});
  ShopifyGraphQlClient client(config, http);
  auto answer = client.Execute("query { shop { id } }", "{}");
  REQUIRE_FALSE(answer);
  CHECK(answer.error().code == "upstream_rejected");
  CHECK_THAT(answer.error().message, Catch::Contains("MAX_COST_EXCEEDED"));
  CHECK_THAT(answer.error().message, Catch::Contains("Query cost is 2003"));
  CHECK(http.sent.size() == 1);
}

TEST_CASE("A throttled query waits as throttleStatus says and is sent again", "[shopify]") {
  const ShopifyAccountConfig config = Account();
  // Requested 70 with 66 available at 50 a second: about a tenth of a second to wait.
  CannedHttp http({Fixture("graphql-throttled.json"), Answer(R"({"ok":true})")});
  ShopifyGraphQlClient client(config, http);
  const auto started = std::chrono::steady_clock::now();
  auto answer = client.Execute("query { shop { id } }", "{}");
  REQUIRE(answer);
  CHECK(*answer == R"({"ok":true})");
  CHECK(http.sent.size() == 2);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(80));
}

TEST_CASE("The token's access scopes as documented, and a missing read_all_orders named", "[shopify]") {
  const ShopifyAccountConfig config = Account();
  CannedHttp documented({Answer(Fixture("access-scopes-response.json"))});
  ShopifyGraphQlClient client(config, documented);
  auto scopes = client.GrantedScopes();
  REQUIRE(scopes);
  CHECK(scopes->size() > 50);
  CHECK(std::find(scopes->begin(), scopes->end(), "read_all_orders") != scopes->end());

  CannedHttp without(
      {Answer(R"({"currentAppInstallation":{"accessScopes":[{"handle":"read_orders"},{"handle":"write_orders"}]}})")});
  ShopifyGraphQlClient lacking(config, without);
  CHECK_THAT(MissingOrderScopeHint(lacking), Catch::Contains("read_all_orders"));
  CannedHttp with({Answer(Fixture("access-scopes-response.json"))});
  ShopifyGraphQlClient granted(config, with);
  CHECK(MissingOrderScopeHint(granted).empty());
}

TEST_CASE("The documented order answer is read (fields it leaves out read as empty)", "[shopify]") {
  const ShopifyAccountConfig config = Account();
  CannedHttp http({Answer(Fixture("order-query-response.json"))});
  ShopifyGraphQlClient client(config, http);
  auto order = client.GetOrder("148977776");
  REQUIRE(order);
  REQUIRE(order->has_value());
  CHECK((*order)->id == "gid://shopify/Order/148977776");
  REQUIRE((*order)->line_items.size() == 1);
  CHECK((*order)->line_items[0].id == "gid://shopify/LineItem/510711879");
  CHECK((*order)->line_items[0].sku.empty());
  // What was asked for: the order by its gid, with the query from clients/shopify_queries.h.
  CHECK_THAT(http.sent[0], Catch::Contains("gid://shopify/Order/148977776"));
  CHECK_THAT(http.sent[0], Catch::Contains("query OrderForRefund"));
}

TEST_CASE("A refund in the pre-2024-10 shape names its refund and order, its shipping an adjustment", "[shopify]") {
  // Shopify's REST Refund example (the refunds/create payload carries the same refund object).
  simdjson::dom::parser parser;
  const std::string refund = simdjson::to_string(parser.parse(Fixture("refunds-create-webhook-legacy.json"))["refund"]);
  const ParsedWebhook parsed = ParseShopifyPayload("shop-eu", "refunds/create", refund, "shop.myshopify.com");
  CHECK(parsed.event.kind == EventKind::kStorefrontRefund);
  CHECK(parsed.event.refund_id == "929361467");
  CHECK(parsed.event.order_id == "450789469");
  // The payload's money is shown to people only: what is booked is read from the refund over GraphQL.
  REQUIRE(parsed.event.shipping.has_value());
  CHECK(*parsed.event.shipping == Money{500, "USD"});
}

TEST_CASE(
    "refundCreate: a request with the same idempotency key still in progress is tried again later, other "
    "refusals are final",
    "[shopify]") {
  const ShopifyAccountConfig config = Account();
  ShopifyRefundRequest request;
  request.order_id = "gid://shopify/Order/1001";
  request.note = "NetSuite netsuite:creditmemo:5001";
  request.amount = Money{1500, "USD"};
  request.parent_transaction = "gid://shopify/OrderTransaction/7";
  request.gateway = "manual";
  const auto create = [&](const std::string& answer) {
    CannedHttp http({answer});
    ShopifyGraphQlClient client(config, http);
    return client.CreateRefund(request, "rs-tx_1");
  };
  // Either way Shopify may say it: a top-level error with the code, or a userError with the inventory mutations'
  // wording.
  auto concurrent = create(R"({"errors":[{"message":"This request is currently in progress, please try again.",)"
                           R"("extensions":{"code":"IDEMPOTENCY_CONCURRENT_REQUEST"}}]})");
  REQUIRE_FALSE(concurrent);
  CHECK(IsRetryable(concurrent.error()));
  auto in_progress = create(Answer(R"({"refundCreate":{"refund":null,"userErrors":[{"field":null,)"
                                   R"("message":"This request is currently in progress, please try again."}]}})"));
  REQUIRE_FALSE(in_progress);
  CHECK(IsRetryable(in_progress.error()));
  auto refused = create(Answer(R"({"refundCreate":{"refund":null,"userErrors":[{"field":["refund","transactions"],)"
                               R"("message":"Amount cannot be greater than the refundable amount"}]}})"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "upstream_rejected");
  CHECK_FALSE(IsRetryable(refused.error()));
}
