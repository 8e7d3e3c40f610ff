// Every SuiteQL query the service sends, and the reference names GetRecord resolves, through the real NetSuite
// client against the strict sandbox: it executes SuiteQL on tables named and shaped like NetSuite's records
// catalog, so a query naming a column NetSuite does not have fails here instead of in production.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include "clients/netsuite_client.h"
#include "clients/netsuite_queries.h"
#include "config/config_loader.h"
#include "tests/support/sync_harness.h"

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
  return {std::string(root["sales_order"].get_string().value()), std::string(root["billed"]["id"].get_string().value())};
}

}  // namespace

TEST_CASE("Every SuiteQL query the service sends runs on the strict sandbox; SQLite-only or unknown names fail",
          "[netsuite][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  const Seeded order = Seed(h, R"({"external_id":"q-1","billing":"cash_sale","currency":"EUR",
      "lines":[{"sku":"Shirt-Blue-M","parent":"Shirt","quantity":3,"rate":"10.00"}]})");
  const LoadedConfig loaded = LoadConfigFile(h.config_path);
  REQUIRE(loaded.ok());
  CurlHttpClient http;
  NoGate gate;
  SystemClock clock;
  NetSuiteRestClient client(loaded.config.netsuite, http, gate, clock);

  auto billed = client.SuiteQl(suiteql::BilledRecordsOf(order.sales_order));
  REQUIRE(billed);
  REQUIRE(billed->size() == 1);
  CHECK(billed->front().at("id") == order.billed);
  CHECK(billed->front().at("type") == "CashSale");
  auto refunds = client.SuiteQl(suiteql::RefundsCreatedFrom(order.billed));
  REQUIRE(refunds);
  CHECK(refunds->empty());
  auto modified = client.SuiteQl(suiteql::RefundsModifiedSince("2020-01-01 00:00:00"));
  REQUIRE(modified);
  CHECK(modified->empty());
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
  auto sqlite_only = client.SuiteQl("SELECT t.id FROM transaction t WHERE t.lastmodifieddate >= datetime('now') LIMIT 5");
  REQUIRE_FALSE(sqlite_only);
  CHECK_THAT(sqlite_only.error().message, Catch::Contains("is not SuiteQL"));

  // A record's references come back as what the service compares: the ISO code (the currency record is named
  // "Euro") and the item's itemId (its refName is the matrix parent's and its own name).
  auto record = client.GetRecord("cashSale", order.billed);
  REQUIRE(record);
  REQUIRE(record->has_value());
  CHECK((*record)->currency == "EUR");
  CHECK((*record)->total == Money{3000, "EUR"});
  REQUIRE((*record)->lines.size() == 1);
  CHECK((*record)->lines[0].item_name == "Shirt : Shirt-Blue-M");
  CHECK((*record)->lines[0].sku == "Shirt-Blue-M");
}
