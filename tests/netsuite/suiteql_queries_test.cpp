// Every SuiteQL query the service sends, and the reference names GetRecord resolves, through the real NetSuite
// client against the strict sandbox: it executes SuiteQL on tables named and shaped like NetSuite's records
// catalog, so a query naming a column NetSuite does not have fails here instead of in production.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "clients/netsuite_client.h"
#include "clients/netsuite_queries.h"
#include "clients/netsuite_refund_context.h"
#include "config/config_loader.h"
#include "tests/support/sync_harness.h"
#include "tests/support/vendor_fixture.h"

using namespace refundsync;
using refundsync::testing::HarnessOptions;
using refundsync::testing::SyncHarness;

namespace {

struct Seeded {
  std::string sales_order;
  std::string billed;
};

Seeded Seed(SyncHarness& h, const std::string& body) {
  simdjson::dom::parser parser;
  const std::string answer = h.sandbox.Control("POST", "/_control/netsuite/orders", body);
  simdjson::dom::element root = parser.parse(answer);
  return {std::string(root["sales_order"].get_string().value()),
          std::string(root["billed"]["id"].get_string().value())};
}

// The service's NetSuite client against the harness's sandbox, outside the service (no concurrency gate).
struct DirectNetSuite {
  explicit DirectNetSuite(const SyncHarness& h) : loaded(LoadConfigFile(h.config_path)) { REQUIRE(loaded.ok()); }
  LoadedConfig loaded;
  CurlHttpClient http;
  NoGate gate;
  SystemClock clock;
  NetSuiteRestClient client{loaded.config.netsuite, http, gate, clock};
};

std::string Fixture(const std::string& name) { return refundsync::testing::VendorFixture("netsuite", name); }

std::string Token(const NetSuiteConfig& config, HttpClient& http) {
  const std::string url = config.rest_base_url + "/services/rest/auth/oauth2/v1/token";
  OutboundRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "grant_type=client_credentials&client_assertion_type=" +
                 UrlEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                 "&client_assertion=" + UrlEncode(NetSuiteClientAssertion(config, url, std::time(nullptr)));
  auto response = http.Send(request);
  REQUIRE(response);
  REQUIRE(response->status == 200);
  simdjson::dom::parser parser;
  return std::string(parser.parse(response->body)["access_token"].get_string().value());
}

}  // namespace

TEST_CASE("The sandbox answers every field of Oracle's documented bodies, with the same types",
          "[netsuite][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  const Seeded order = Seed(h, R"({"external_id":"q-2","billing":"cash_sale","currency":"USD",
      "lines":[{"sku":"Shirt-Blue-M","parent":"Shirts","quantity":2,"rate":"19.99","tax_rate":"0.08"}],"shipping":"0"})");
  const LoadedConfig loaded = LoadConfigFile(h.config_path);
  REQUIRE(loaded.ok());
  CurlHttpClient http;
  const std::string token = Token(loaded.config.netsuite, http);
  const auto call = [&](const std::string& method, const std::string& path, const std::string& body) {
    OutboundRequest request;
    request.method = method;
    request.url = loaded.config.netsuite.rest_base_url + path;
    request.headers = {
        {"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}, {"Prefer", "transient"}};
    request.body = body;
    auto response = http.Send(request);
    REQUIRE(response);
    return *response;
  };
  simdjson::dom::parser documented_parser, actual_parser;
  const auto shape = [&](const std::string& fixture, const OutboundResponse& response, long status) {
    CHECK(response.status == status);
    refundsync::testing::CheckDocumentedShape(documented_parser.parse(Fixture(fixture)),
                                              actual_parser.parse(response.body), fixture);
  };
  shape("record-cashsale-expanded.json",
        call("GET", "/services/rest/record/v1/cashSale/" + order.billed + "?expandSubResources=true", ""), 200);
  shape("currency.json", call("GET", "/services/rest/record/v1/currency/4", ""), 200);
  shape("suiteql-response.json",
        call("POST", "/services/rest/query/v1/suiteql?limit=1000&offset=0", Fixture("suiteql-request.json")), 200);
  shape("error-suiteql-unknown-identifier.json",
        call("POST", "/services/rest/query/v1/suiteql", R"({"q":"SELECT t.id, t.currencyname FROM transaction t"})"),
        400);
  shape("error-invalid-content.json",
        call("POST", "/services/rest/record/v1/cashSale/" + order.billed + "/!transform/cashRefund?replace=item",
             R"({"item":{"items":[{"item":{"id":"9999"},"quantity":1,"amount":1}]}})"),
        400);
}

TEST_CASE("Every SuiteQL query the service sends runs on the strict sandbox, SQLite-only or unknown names fail",
          "[netsuite][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  const Seeded order = Seed(h, R"({"external_id":"q-1","billing":"cash_sale","currency":"EUR",
      "lines":[{"sku":"Shirt-Blue-M","parent":"Shirt","quantity":3,"rate":"10.00","tax_rate":"0.1"}],"shipping":"5.00"})");
  DirectNetSuite netsuite(h);
  NetSuiteRestClient& client = netsuite.client;

  // The refund context: sales order, billed record with its item lines (tax and cost-of-goods lines left out,
  // magnitudes of NetSuite's negative sales amounts), ISO code, and no refund yet.
  auto context = LoadRefundContext(client, "q-1");
  REQUIRE(context);
  CHECK(context->sales_order == order.sales_order);
  REQUIRE(context->billed);
  CHECK(context->billed->id == order.billed);
  CHECK(context->billed->type == "cashSale");
  CHECK(context->billed->currency == "EUR");
  CHECK(context->billed->total == Money{3800, "EUR"});  // 30.00 + 10% tax + 5.00 shipping
  REQUIRE(context->billed->lines.size() == 2);
  CHECK(context->billed->lines[0].sku == "Shirt-Blue-M");
  CHECK(context->billed->lines[0].quantity == 3);
  CHECK(context->billed->lines[0].amount == Money{3000, "EUR"});
  CHECK(context->billed->lines[1].sku == "Shipping");
  CHECK(context->refunds.empty());
  // A refund entered by hand in NetSuite is in the next read.
  h.sandbox.Control(
      "POST", "/_control/netsuite/refunds",
      R"({"billed_type":"cashSale","billed_id":")" + order.billed +
          R"(","lines":[{"sku":"Shirt-Blue-M","quantity":1,"amount":"10.00"}],"memo":"by hand","send_webhook":false})");
  context = LoadRefundContext(client, "q-1");
  REQUIRE(context);
  REQUIRE(context->refunds.size() == 1);
  CHECK(context->refunds[0].type == "cashRefund");
  CHECK(context->refunds[0].memo == "by hand");
  CHECK(context->refunds[0].total == Money{1100, "EUR"});
  CHECK_FALSE(context->refunds[0].from_return);
  // Never synced, and synced but not billed.
  auto unknown = LoadRefundContext(client, "q-never");
  REQUIRE(unknown);
  CHECK_FALSE(unknown->sales_order);
  h.sandbox.Control(
      "POST", "/_control/netsuite/orders",
      R"({"external_id":"q-unbilled","billing":"none","lines":[{"sku":"CAP","quantity":1,"rate":"10.00"}]})");
  auto unbilled = LoadRefundContext(client, "q-unbilled");
  REQUIRE(unbilled);
  CHECK(unbilled->sales_order);
  CHECK_FALSE(unbilled->billed);

  // The origin of a NetSuite refund: its billed record and that record's sales order.
  auto origin = client.SuiteQl(suiteql::RefundOrigin(order.billed));
  REQUIRE(origin);
  REQUIRE(origin->size() == 1);
  CHECK(origin->front().at("salesorder") == order.sales_order);
  CHECK(origin->front().at("externalid") == "q-1");
  auto modified = client.SuiteQl(suiteql::RefundsModifiedSince("2020-01-01 00:00:00"));
  REQUIRE(modified);
  CHECK(modified->size() == 1);  // the refund entered by hand
  // The audit's query reads the refunds of one account's orders (its external ids' pattern), not the company's.
  const Seeded other = Seed(h, R"({"external_id":"r-1","billing":"cash_sale",
      "lines":[{"sku":"CAP","quantity":1,"rate":"10.00"}]})");
  h.sandbox.Control("POST", "/_control/netsuite/refunds",
                    R"({"billed_type":"cashSale","billed_id":")" + other.billed +
                        R"(","lines":[{"sku":"CAP","quantity":1,"amount":"10.00"}],"send_webhook":false})");
  for (const auto& [pattern, expected] :
       std::vector<std::pair<std::string, std::string>>{{"q-%", "q-1"}, {"r-%", "r-1"}}) {
    auto dated = client.SuiteQl(suiteql::RefundsDatedBetween("2000-01-01", "2100-12-31", pattern));
    REQUIRE(dated);
    REQUIRE(dated->size() == 1);
    CHECK(dated->front().at("orderexternalid") == expected);
  }
  auto nothing = client.SuiteQl(suiteql::RefundsDatedBetween("2000-01-01", "2100-12-31", "q' OR 'x' = 'x"));
  REQUIRE(nothing);
  CHECK(nothing->empty());  // a pattern no template makes is not put into the query
  auto items = client.SuiteQl(suiteql::ItemIds({"900", "901"}));
  REQUIRE(items);
  REQUIRE(items->size() == 2);
  CHECK(items->at(0).at("itemid") == "Shipping");

  // What NetSuite would refuse fails the same way here.
  auto unknown_column = client.SuiteQl("SELECT t.id, t.currencyname FROM transaction t");
  REQUIRE_FALSE(unknown_column);
  CHECK(unknown_column.error().code == "upstream_rejected");
  CHECK_THAT(unknown_column.error().message, Catch::Contains("Unknown identifier 'currencyname'"));
  auto unknown_table = client.SuiteQl("SELECT id FROM transactions");
  REQUIRE_FALSE(unknown_table);
  CHECK_THAT(unknown_table.error().message, Catch::Contains("Invalid search type: transactions"));
  auto sqlite_only =
      client.SuiteQl("SELECT t.id FROM transaction t WHERE t.lastmodifieddate >= datetime('now') LIMIT 5");
  REQUIRE_FALSE(sqlite_only);
  CHECK_THAT(sqlite_only.error().message, Catch::Contains("is not SuiteQL"));
  // Oracle sorts a DISTINCT select only by what it selects (ORA-01791); SQLite would sort by anything.
  auto not_selected = client.SuiteQl("SELECT DISTINCT t.id FROM transaction t ORDER BY t.tranid");
  REQUIRE_FALSE(not_selected);
  CHECK_THAT(not_selected.error().message, Catch::Contains("ORA-01791"));

  // Refunds a person issued from return authorizations, made from the sales order and from the cash sale: they
  // returned money of this order too, and are marked as issued from a return.
  for (const auto& [from_type, from_id] : {std::pair<std::string, std::string>{"salesOrder", order.sales_order},
                                           std::pair<std::string, std::string>{"cashSale", order.billed}}) {
    h.RefundThroughReturn(from_type, from_id, "cashRefund",
                          R"([{"sku":"Shirt-Blue-M","quantity":1,"amount":"10.00"}])");
  }
  context = LoadRefundContext(client, "q-1");
  REQUIRE(context);
  REQUIRE(context->refunds.size() == 3);  // the one entered by hand, then the two
  CHECK(context->refunds[1].from_return);
  CHECK(context->refunds[2].from_return);
  CHECK(context->refunds[1].total == Money{1100, "EUR"});
  CHECK(context->billed->lines.size() == 2);  // the returns' lines are not the billed record's
  // Another order's return, made from its invoice and credited: counted there, not here.
  const Seeded invoiced = Seed(h, R"({"external_id":"q-inv","billing":"invoice",
      "lines":[{"sku":"CAP","quantity":2,"rate":"10.00"}]})");
  h.RefundThroughReturn("invoice", invoiced.billed, "creditMemo", R"([{"sku":"CAP","quantity":1,"amount":"10.00"}])");
  auto credited = LoadRefundContext(client, "q-inv");
  REQUIRE(credited);
  REQUIRE(credited->refunds.size() == 1);
  CHECK(credited->refunds[0].type == "creditMemo");
  CHECK(credited->refunds[0].from_return);
  CHECK(credited->refunds[0].total == Money{1000, "USD"});
  context = LoadRefundContext(client, "q-1");
  REQUIRE(context);
  CHECK(context->refunds.size() == 3);

  // A record's references come back as what the service compares: the ISO code (the currency record is named
  // "Euro") and the item's itemId (its refName is the matrix parent's and its own name).
  auto record = client.GetRecord("cashSale", order.billed);
  REQUIRE(record);
  REQUIRE(record->has_value());
  CHECK((*record)->currency == "EUR");
  CHECK((*record)->total == Money{3800, "EUR"});
  REQUIRE((*record)->lines.size() == 2);
  CHECK((*record)->lines[0].item_name == "Shirt : Shirt-Blue-M");
  CHECK((*record)->lines[0].sku == "Shirt-Blue-M");
}

TEST_CASE("A record id from a payload never reaches a NetSuite URL unless it is an internal id or an encoded eid",
          "[netsuite][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  const Seeded order =
      Seed(h, R"({"external_id":"q/2 x","billing":"cash_sale","lines":[{"sku":"CAP","quantity":1,"rate":"10.00"}]})");
  DirectNetSuite netsuite(h);
  NetSuiteRestClient& client = netsuite.client;
  const auto calls = [&] {
    simdjson::dom::parser parser;
    return parser.parse(h.sandbox.Control("GET", "/_control/netsuite/calls"))["calls"].get_array().size();
  };
  const std::size_t before = calls();
  auto traversal = client.GetRecord("cashRefund", "1/../../salesOrder/" + order.sales_order);
  REQUIRE_FALSE(traversal);
  CHECK_THAT(traversal.error().message, Catch::Contains("malformed NetSuite internal id"));
  CHECK_FALSE(client.Update("creditMemo", "1?x=1", "{}"));
  CHECK_FALSE(client.Transform("cashSale", "../1", "cashRefund", "{}"));
  CHECK(calls() == before);  // none of them was sent
  // An external id with a slash and a space is percent-encoded, and finds its record.
  auto by_external_id = client.GetRecord("salesOrder", "eid:q/2 x");
  REQUIRE(by_external_id);
  REQUIRE(by_external_id->has_value());
  CHECK((*by_external_id)->id == order.sales_order);
}
