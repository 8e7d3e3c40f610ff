// Refunds made on eBay and Shopify reach NetSuite once and to the cent: the real binary, a real Redis and the
// sandbox standing in for NetSuite and eBay, with real signatures on both sides.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <thread>

#include "core/crypto.h"
#include "core/transaction.h"
#include "store/key_layout.h"
#include "store/redis_connection.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/sandbox_process.h"
#include "tests/support/server_process.h"
#include "tests/support/sync_harness.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_keys.h"
#include "tests/support/wait.h"

using namespace refundsync;
using namespace refundsync::testing;

TEST_CASE("eBay refunds: paid order -> cash refund, order on terms -> credit memo, once", "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("ebay-us-11-111-1", "cash_sale", R"([{"sku":"CAP","quantity":3,"rate":"20.00"}])");
  h.SeedNetSuiteOrder("ebay-us-22-222-2", "invoice", R"([{"sku":"HAT","quantity":1,"rate":"35.50"}])");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"11-111-1","line_items":[{"line_item_id":"L1","sku":"CAP","quantity":3,"price":"20.00"}]})");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"22-222-2","line_items":[{"line_item_id":"L2","sku":"HAT","quantity":1,"price":"35.50"}]})");
  h.sandbox.Control("POST", "/_control/ebay/orders/11-111-1/refunds",
                    R"({"amount":"40.00","line_item_id":"L1","refund_id":"5AAA1"})");
  h.sandbox.Control("POST", "/_control/ebay/orders/22-222-2/refunds", R"({"amount":"35.50","refund_id":"5BBB2"})");

  REQUIRE(h.Reconcile("ebay-us") == 0);
  const Transaction paid = h.WaitSettled("ebay-us", "ebay:refund:5AAA1");
  CHECK(paid.status == TxStatus::kPosted);
  CHECK(paid.target_record.rfind("netsuite:cashrefund:", 0) == 0);
  CHECK(paid.billed_record.rfind("cashSale:", 0) == 0);
  const Transaction terms = h.WaitSettled("ebay-us", "ebay:refund:5BBB2");
  CHECK(terms.status == TxStatus::kPosted);
  CHECK(terms.target_record.rfind("netsuite:creditmemo:", 0) == 0);

  auto cash_refunds = h.Records("cashRefund");
  REQUIRE(cash_refunds.size() == 1);
  CHECK(cash_refunds[0]["total"] == "40.00");
  CHECK(cash_refunds[0]["lines"] == "CAP:2:40.00 ");
  auto memos = h.Records("creditMemo");
  REQUIRE(memos.size() == 1);
  CHECK(memos[0]["total"] == "35.50");
  CHECK(memos[0]["lines"] == "Refund Adjustment:1:35.50 ");  // an order-level eBay refund

  // Reconciling again (and again) finds the same refunds and creates nothing.
  REQUIRE(h.Reconcile("ebay-us") == 0);
  CHECK(h.Records("cashRefund").size() == 1);
  CHECK(h.Records("creditMemo").size() == 1);
}

TEST_CASE("Shopify to_netsuite: a partial line + shipping refund becomes a credit memo to the cent",
          "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-1001", "invoice", R"([{"sku":"MUG","quantity":2,"rate":"10.00","tax_rate":"0.08"}])",
                      "5.00");
  const std::string refund = ShopifyRefund(
      "7001", "1001", "15.80",
      R"([{"line_item_id":1,"quantity":1,"subtotal":10.00,"total_tax":0.80,"line_item":{"sku":"MUG"}}])", "5.00");
  REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-7001") == 200);
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:7001");
  REQUIRE(tx.status == TxStatus::kPosted);
  CHECK(tx.amount == Money{1580, "USD"});
  auto memos = h.Records("creditMemo");
  REQUIRE(memos.size() == 1);
  CHECK(memos[0]["total"] == "15.80");
  CHECK(memos[0]["lines"] == "MUG:1:10.00 Shipping:1:5.00 ");
  CHECK(memos[0]["marker"] == "rs-" + tx.id);

  // The same refund again (a redelivery under a new event id, or a replay) creates nothing.
  REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-7001-again") == 200);
  REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-7001") == 200);
  const Transaction again = h.WaitSettled("shop-eu", "shopify:refund:7001");
  CHECK(OwnHistorySize(again) == OwnHistorySize(tx));  // our credit memo's echo may land in between
  CHECK(h.Records("creditMemo").size() == 1);
}

// What a refund cost in NetSuite calls, from the sandbox's own log: the calls after `before`. The harness waits for
// the start-up reconciliation, and the next pass is an hour away, so every call counted is the refund's own.
std::vector<std::string> CallsSince(SyncHarness& h, std::size_t before) {
  auto calls = h.NetSuiteCalls();
  return {calls.begin() + static_cast<std::ptrdiff_t>(std::min(before, calls.size())), calls.end()};
}

TEST_CASE("A refund to NetSuite costs three NetSuite calls on its first attempt, for a new order and a known one",
          "[sync][integration]") {
  SyncHarness h;
  // The SuiteScript's event about the record we create would add the calls of its own handling: counted apart.
  h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"suitescript_deployed":false})");
  h.SeedNetSuiteOrder(
      "shop-eu-5005", "cash_sale",
      R"([{"sku":"MUG","quantity":3,"rate":"10.00","tax_rate":"0.1"},{"sku":"CAP","quantity":1,"rate":"8.00"}])",
      "4.00");
  // A new order: nothing of it was read before. The token request comes first and is not logged.
  std::size_t before = h.NetSuiteCalls().size();
  REQUIRE(
      h.PostShopifyRefund(
          "shop-eu",
          ShopifyRefund(
              "9501", "5005", "11.00",
              R"([{"line_item_id":1,"quantity":1,"subtotal":"10.00","total_tax":"1.00","line_item":{"sku":"MUG"}}])"),
          "ev-9501") == 200);
  const Transaction first = h.WaitSettled("shop-eu", "shopify:refund:9501");
  REQUIRE(first.status == TxStatus::kPosted);
  const auto new_order = CallsSince(h, before);
  INFO("new order: " << fmt::format("{}", fmt::join(new_order, ", ")));
  CHECK(new_order.size() == 3);
  REQUIRE(new_order.size() >= 3);
  CHECK(new_order[0].find("POST /services/rest/query/v1/suiteql SELECT t.id, t.type, t.externalid") ==
        0);  // the context
  CHECK(new_order[1].find("!transform/cashRefund") != std::string::npos);
  CHECK(new_order[2].rfind("GET /services/rest/record/v1/cashRefund/", 0) == 0);  // the read-back

  // A known order: the second refund reads the first one in the same context read, and counts it.
  before = h.NetSuiteCalls().size();
  REQUIRE(h.PostShopifyRefund(
              "shop-eu",
              ShopifyRefund(
                  "9502", "5005", "12.00",
                  R"([{"line_item_id":2,"quantity":1,"subtotal":"8.00","total_tax":"0.00","line_item":{"sku":"CAP"}}])",
                  "4.00"),
              "ev-9502") == 200);
  const Transaction second = h.WaitSettled("shop-eu", "shopify:refund:9502");
  REQUIRE(second.status == TxStatus::kPosted);
  const auto known_order = CallsSince(h, before);
  INFO("known order: " << fmt::format("{}", fmt::join(known_order, ", ")));
  CHECK(known_order.size() == 3);

  // What remains refundable counts a refund entered by hand in NetSuite a moment ago: no cache hides it.
  h.sandbox.Control("POST", "/_control/netsuite/refunds",
                    R"({"billed_type":"cashSale","billed_id":")" +
                        first.billed_record.substr(first.billed_record.find(':') + 1) +
                        R"(","lines":[{"sku":"MUG","quantity":2,"amount":"20.00"}],"send_webhook":false})");
  REQUIRE(
      h.PostShopifyRefund(
          "shop-eu",
          ShopifyRefund(
              "9503", "5005", "11.00",
              R"([{"line_item_id":1,"quantity":1,"subtotal":"10.00","total_tax":"1.00","line_item":{"sku":"MUG"}}])"),
          "ev-9503") == 200);
  const Transaction third = h.WaitSettled("shop-eu", "shopify:refund:9503");
  CHECK(third.status == TxStatus::kFailed);
  REQUIRE(third.error.has_value());
  CHECK(third.error->code == "already_refunded");
  CHECK(h.Records("cashRefund").size() == 3);
}

TEST_CASE("A NetSuite call that hangs for the whole timeout holds up no refund of another order read with it",
          "[sync][integration]") {
  HarnessOptions options;
  options.netsuite_timeout = "5s";
  options.worker_keys = "concurrency: 2";
  SyncHarness h(options);
  h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"suitescript_deployed":false})");
  // Two refunds keep both worker threads busy for a while (slow creates), so the burst behind them waits in the
  // shard streams and is read several entries at a time.
  simdjson::dom::parser parser;
  std::map<std::string, std::string> billed_of;  // order id -> billed record id
  std::map<std::string, std::string> body_of;    // order id -> refund webhook body
  for (int i = 0; i < 13; ++i) {
    const std::string order = std::to_string(6100 + i);
    const std::string seeded =
        h.sandbox.Control("POST", "/_control/netsuite/orders",
                          R"({"external_id":"shop-eu-)" + order +
                              R"(","billing":"cash_sale","lines":[{"sku":"PEN","quantity":2,"rate":"5.00"}]})");
    billed_of[order] = std::string(parser.parse(seeded)["billed"]["id"].get_string().value());
    body_of[order] = ShopifyRefund(
        std::to_string(9600 + i), order, "5.00",
        R"([{"line_item_id":1,"quantity":1,"subtotal":"5.00","total_tax":"0.00","line_item":{"sku":"PEN"}}])");
  }
  for (const std::string busy : {"6111", "6112"}) {
    h.sandbox.Control("POST", "/_control/faults",
                      R"({"target":"netsuite","kind":"latency","latency_ms":1500,"path_contains":"/cashSale/)" +
                          billed_of[busy] + R"(/!transform"})");
    REQUIRE(h.PostShopifyRefund("shop-eu", body_of[busy], "ev-busy-" + busy) == 200);
  }
  REQUIRE(WaitUntil([&] {
    int creating = 0;
    for (const auto& call : h.NetSuiteCalls()) creating += call.find("!transform") != std::string::npos;
    return creating == 2;
  }));
  // The burst of eleven.
  for (int i = 0; i < 11; ++i) {
    const std::string order = std::to_string(6100 + i);
    REQUIRE(h.PostShopifyRefund("shop-eu", body_of[order], "ev-" + order) == 200);
  }
  // The create that hangs is that of the first new entry of the first shard stream: the first a read returns,
  // with the entries of the other shards behind it.
  std::string hung_order;
  {
    auto redis = ConnectLocal(h.redis.port());
    REQUIRE(redis);
    for (int shard = 0; shard < keys::kShardCount && hung_order.empty(); ++shard) {
      auto entries = (*redis)->Command({"XRANGE", keys::Events(shard), "-", "+"});
      REQUIRE(entries);
      for (std::size_t e = 0; e < (*entries)->elements && hung_order.empty(); ++e) {
        const redisReply* fields = (*entries)->element[e]->element[1];
        for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
          if (std::string(fields->element[i]->str) != "event") continue;
          const std::string order(
              parser.parse(std::string(fields->element[i + 1]->str))["order_id"].get_string().value());
          if (order != "6111" && order != "6112") hung_order = order;  // the busy two were read already
        }
      }
    }
  }
  REQUIRE(billed_of.count(hung_order) == 1);
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"latency","latency_ms":6000,"path_contains":"/cashSale/)" +
                        billed_of[hung_order] + R"(/!transform"})");
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 11; ++i) {
    const std::string order = std::to_string(6100 + i);
    if (order == hung_order) continue;
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:" + std::to_string(9600 + i));
    CHECK(tx.status == TxStatus::kPosted);
  }
  const auto all_posted_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  INFO("the ten were posted " << all_posted_ms << " ms after the burst, behind 1.5 s of busy threads");
  // Still in its first attempt: its create has not timed out yet.
  const auto hung = h.LoadTx("shop-eu", "shopify:refund:" + std::to_string(9600 + std::stoi(hung_order) - 6100));
  REQUIRE(hung);
  CHECK(hung->status == TxStatus::kImported);
  CHECK(all_posted_ms < 1500 + 5000);
  // NetSuite saves the hung record in the end: one record for each refund, none twice.
  CHECK(WaitUntil([&] { return h.Records("cashRefund").size() == 13; }, 15000));
  CHECK(h.Records("cashRefund").size() == 13);
}

TEST_CASE("An entry handled for longer than the claim idle time is not taken over by another worker",
          "[sync][integration]") {
  HarnessOptions options;
  options.netsuite_timeout = "10s";
  options.worker_keys = "claim_idle: 2s";
  SyncHarness h(options);
  // A second replica, workers only, on its own port.
  std::string second_yaml;
  {
    std::ifstream in(h.config_path);
    second_yaml.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const int second_port = FreePort();
  const std::string listen = "listen: \"127.0.0.1:" + std::to_string(h.port) + "\"";
  second_yaml.replace(second_yaml.find(listen), listen.size(),
                      "listen: \"127.0.0.1:" + std::to_string(second_port) + "\"");
  ServerProcess second(h.dir.Write("second.yaml", second_yaml), second_port, {"--role", "worker"});
  second.StartAndWaitReady();
  h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"suitescript_deployed":false})");
  simdjson::dom::parser parser;
  const std::string seeded = h.sandbox.Control(
      "POST", "/_control/netsuite/orders",
      R"({"external_id":"shop-eu-6300","billing":"cash_sale","lines":[{"sku":"PEN","quantity":1,"rate":"5.00"}]})");
  const std::string billed(parser.parse(seeded)["billed"]["id"].get_string().value());
  // Its create takes 5 s: more than twice the claim idle time, well within netsuite.timeout.
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"latency","latency_ms":5000,"path_contains":"/cashSale/)" + billed +
                        R"(/!transform"})");
  REQUIRE(
      h.PostShopifyRefund(
          "shop-eu",
          ShopifyRefund(
              "9700", "6300", "5.00",
              R"([{"line_item_id":1,"quantity":1,"subtotal":"5.00","total_tax":"0.00","line_item":{"sku":"PEN"}}])"),
          "ev-9700") == 200);
  const Transaction tx = h.WaitTx(
      "shop-eu", "shopify:refund:9700", [](const Transaction& t) { return t.status == TxStatus::kPosted; }, 15000);
  CHECK(tx.attempts == 1);
  // Neither replica took the entry over while the other was still handling it: the holder's heartbeat kept it
  // from looking idle.
  CHECK(h.server->Log().find("event_reclaimed") == std::string::npos);
  CHECK(second.Log().find("event_reclaimed") == std::string::npos);
  CHECK(h.Records("cashRefund").size() == 1);
}

TEST_CASE("Two partial refunds of one order arriving together: both judged one at a time, never over-refunded",
          "[sync][integration]") {
  SyncHarness h;
  // Billed total 30.00; two refunds of 20.00 cannot both fit.
  h.SeedNetSuiteOrder("shop-eu-2002", "cash_sale", R"([{"sku":"PEN","quantity":3,"rate":"10.00"}])");
  const std::string a = ShopifyRefund(
      "8001", "2002", "20.00",
      R"([{"line_item_id":1,"quantity":2,"subtotal":"20.00","total_tax":"0.00","line_item":{"sku":"PEN"}}])");
  const std::string b = ShopifyRefund(
      "8002", "2002", "20.00",
      R"([{"line_item_id":1,"quantity":2,"subtotal":"20.00","total_tax":"0.00","line_item":{"sku":"PEN"}}])");
  h.SeedShopifyRefund("shop-eu", b);  // the second is delivered by hand below
  std::thread first([&] { h.PostShopifyRefund("shop-eu", a, "ev-8001"); });
  HttpClient second_client;
  const long second =
      second_client
          .Request("POST", h.server->BaseUrl() + "/webhooks/shopify/shop-eu", b, ShopifyRefundHeaders(b, "ev-8002"))
          .status;
  first.join();
  CHECK(second == 200);
  const Transaction ta = h.WaitSettled("shop-eu", "shopify:refund:8001");
  const Transaction tb = h.WaitSettled("shop-eu", "shopify:refund:8002");
  const int posted = (ta.status == TxStatus::kPosted) + (tb.status == TxStatus::kPosted);
  CHECK(posted == 1);
  const Transaction& refused = ta.status == TxStatus::kPosted ? tb : ta;
  REQUIRE(refused.error.has_value());
  CHECK(refused.error->code == "already_refunded");
  CHECK(h.Records("cashRefund").size() == 1);
}

TEST_CASE("Precise errors: not synced, not billed, more than remains, unknown SKU", "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-3003", "none", R"([{"sku":"CUP","quantity":1,"rate":"9.00"}])");
  h.SeedNetSuiteOrder("shop-eu-4004", "invoice", R"([{"sku":"CUP","quantity":1,"rate":"9.00"}])");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9001", "9999", "5.00", "[]"), "e1") == 200);
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9002", "3003", "5.00", "[]"), "e2") == 200);
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9003", "4004", "9.01", "[]"), "e3") == 200);
  REQUIRE(h.PostShopifyRefund(
              "shop-eu",
              ShopifyRefund("9004", "4004", "9.00",
                            R"([{"line_item_id":1,"quantity":1,"subtotal":"9.00","line_item":{"sku":"BOWL"}}])"),
              "e4") == 200);
  const Transaction unsynced = h.WaitSettled("shop-eu", "shopify:refund:9001");
  REQUIRE(unsynced.error.has_value());
  CHECK(unsynced.error->code == "order_not_synced");
  CHECK_THAT(unsynced.error->message, Catch::Contains("order 9999 was not previously synced to NetSuite"));
  const Transaction unbilled = h.WaitSettled("shop-eu", "shopify:refund:9002");
  CHECK(unbilled.error->code == "order_not_billed");
  const Transaction too_much = h.WaitSettled("shop-eu", "shopify:refund:9003");
  CHECK(too_much.error->code == "already_refunded");
  CHECK_THAT(too_much.error->message, Catch::Contains("9.00 that remain refundable"));
  const Transaction unknown = h.WaitSettled("shop-eu", "shopify:refund:9004");
  CHECK(unknown.error->code == "unknown_line_item");
  CHECK(h.Records("creditMemo").empty());
}

TEST_CASE("A refund a person issued through a return authorization counts in what remains refundable",
          "[sync][integration]") {
  SyncHarness h;
  simdjson::dom::parser parser;
  // Billed 30.00; a return authorized from the sales order refunded 25.00 of it by hand in NetSuite.
  const std::string seeded = h.sandbox.Control(
      "POST", "/_control/netsuite/orders",
      R"({"external_id":"shop-eu-2101","billing":"cash_sale","lines":[{"sku":"PEN","quantity":3,"rate":"10.00"}]})");
  const std::string sales_order(parser.parse(seeded)["sales_order"].get_string().value());
  h.RefundThroughReturn("salesOrder", sales_order, "cashRefund", R"([{"sku":"PEN","quantity":2,"amount":"25.00"}])");
  const auto pen = [](const std::string& amount) {
    return R"([{"line_item_id":1,"quantity":1,"subtotal":")" + amount +
           R"(","total_tax":"0.00","line_item":{"sku":"PEN"}}])";
  };
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("8101", "2101", "10.00", pen("10.00")), "ev-8101") == 200);
  const Transaction refused = h.WaitSettled("shop-eu", "shopify:refund:8101");
  CHECK(refused.status == TxStatus::kFailed);
  REQUIRE(refused.error.has_value());
  CHECK(refused.error->code == "already_refunded");
  CHECK_THAT(refused.error->message,
             Catch::Contains("5.00 that remain refundable") && Catch::Contains("(25.00 already refunded)"));
  // What remains can still be refunded.
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("8102", "2101", "5.00", pen("5.00")), "ev-8102") == 200);
  CHECK(h.WaitSettled("shop-eu", "shopify:refund:8102").status == TxStatus::kPosted);
  CHECK(h.Records("cashRefund").size() == 2);  // the return's and ours
}

TEST_CASE("NetSuite recomputes tax: adjusted with the adjustment item, never a silent difference",
          "[sync][integration]") {
  SECTION("with the adjustment item configured, the total is corrected to the storefront's") {
    SyncHarness h;
    h.SeedNetSuiteOrder("shop-eu-5005", "invoice", R"([{"sku":"MUG","quantity":1,"rate":"10.00","tax_rate":"0.08"}])");
    h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"tax_drift":"0.01"})");
    REQUIRE(
        h.PostShopifyRefund(
            "shop-eu",
            ShopifyRefund(
                "10001", "5005", "10.80",
                R"([{"line_item_id":1,"quantity":1,"subtotal":"10.00","total_tax":"0.80","line_item":{"sku":"MUG"}}])"),
            "e1") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:10001");
    CHECK(tx.status == TxStatus::kPosted);
    CHECK_THAT(LastPostNote(tx), Catch::Contains("adjusted by -0.01"));
    CHECK(h.Records("creditMemo").at(0)["total"] == "10.80");
  }
  SECTION("the read-back after the create is throttled: the retry adjusts the record made, makes no other") {
    SyncHarness h;
    h.SeedNetSuiteOrder("shop-eu-5007", "invoice", R"([{"sku":"MUG","quantity":1,"rate":"10.00","tax_rate":"0.08"}])");
    h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"tax_drift":"0.01"})");
    // Two faults: the sandbox's event for the new credit memo comes back at once and its read (the same GET) may take
    // one before the post's read-back does; the read-back takes the other either way.
    h.sandbox.Control("POST", "/_control/faults",
                      R"({"target":"netsuite","kind":"429","count":2,"path_contains":"/creditMemo/"})");
    REQUIRE(
        h.PostShopifyRefund(
            "shop-eu",
            ShopifyRefund(
                "10003", "5007", "10.80",
                R"([{"line_item_id":1,"quantity":1,"subtotal":"10.00","total_tax":"0.80","line_item":{"sku":"MUG"}}])"),
            "e1") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:10003");
    CHECK(tx.status == TxStatus::kPosted);  // it used to fail for good: "record ... totals 10.81, not 10.80"
    CHECK_THAT(LastPostNote(tx), Catch::Contains("finished the record an earlier attempt created"));
    const auto memos = h.Records("creditMemo");
    REQUIRE(memos.size() == 1);
    CHECK(memos.at(0).at("total") == "10.80");
  }
  SECTION("without it, the transaction fails with amount_mismatch and says which record differs") {
    HarnessOptions options;
    options.adjustment_item = false;
    SyncHarness h(options);
    h.SeedNetSuiteOrder("shop-eu-5006", "invoice", R"([{"sku":"MUG","quantity":1,"rate":"10.00","tax_rate":"0.08"}])");
    h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"tax_drift":"0.01"})");
    REQUIRE(
        h.PostShopifyRefund(
            "shop-eu",
            ShopifyRefund(
                "10002", "5006", "10.80",
                R"([{"line_item_id":1,"quantity":1,"subtotal":"10.00","total_tax":"0.80","line_item":{"sku":"MUG"}}])"),
            "e1") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:10002");
    CHECK(tx.status == TxStatus::kFailed);
    CHECK(tx.error->code == "amount_mismatch");
    CHECK_THAT(tx.error->message, Catch::Contains("10.81"));
  }
}

TEST_CASE("Direction policy and cut-over: skipped with the reason, nothing created", "[sync][integration]") {
  HarnessOptions options;
  options.ebay_sync_since = "2026-06-01T00:00:00Z";
  SyncHarness h(options);
  h.SeedNetSuiteOrder("shop-main-6006", "invoice", R"([{"sku":"MUG","quantity":1,"rate":"10.00"}])");
  // shop-main syncs from NetSuite: a storefront refund webhook (e.g. our own post coming back) is skipped.
  REQUIRE(h.PostShopifyRefund("shop-main", ShopifyRefund("11001", "6006", "10.00", "[]"), "e1") == 200);
  const Transaction skipped = h.WaitSettled("shop-main", "shopify:refund:11001");
  CHECK(skipped.status == TxStatus::kSkipped);
  CHECK_THAT(skipped.history.back().note, Catch::Contains("syncs refunds from NetSuite"));

  h.SeedNetSuiteOrder("ebay-us-33-333-3", "cash_sale", R"([{"sku":"CAP","quantity":1,"rate":"20.00"}])");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"33-333-3","line_items":[{"line_item_id":"L1","sku":"CAP","quantity":1,"price":"20.00"}]})");
  h.sandbox.Control("POST", "/_control/ebay/orders/33-333-3/refunds",
                    R"({"amount":"20.00","refund_id":"5OLD","refund_date":"2026-05-01T00:00:00.000Z"})");
  REQUIRE(h.Reconcile("ebay-us") == 0);
  const Transaction old = h.WaitSettled("ebay-us", "ebay:refund:5OLD");
  CHECK(old.status == TxStatus::kSkipped);
  CHECK_THAT(old.history.back().note, Catch::Contains("before the account's cut-over"));
  CHECK(h.Records("cashRefund").empty());
  CHECK(h.Records("creditMemo").empty());
}

TEST_CASE("NetSuite 429 then success: posted once after a retry", "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-7007", "cash_sale", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"429","count":2,"path_contains":"!transform"})");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("12001", "7007", "10.00", "[]"), "e1") == 200);
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:12001");
  CHECK(tx.status == TxStatus::kPosted);
  CHECK(tx.attempts == 3);
  CHECK_THAT(tx.history[1].note, Catch::Contains("upstream_unavailable"));
  CHECK(h.Records("cashRefund").size() == 1);
}

TEST_CASE("The answer to a create is lost after NetSuite committed it: still exactly one record",
          "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-8008", "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"drop_after_commit","count":1,"path_contains":"!transform"})");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("13001", "8008", "10.00", "[]"), "e1") == 200);
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:13001");
  CHECK(tx.status == TxStatus::kPosted);
  // The create is never sent twice (a fresh connection: libcurl resends only on a reused one), and the lost answer
  // is followed by the marker lookup at once.
  CHECK(tx.attempts == 1);
  CHECK_THAT(LastPostNote(tx), Catch::Contains("holds our record"));
  CHECK(h.Records("creditMemo").size() == 1);
}

TEST_CASE("A lost answer to a create with item lines: posted once, never failed by NetSuite's quantity check",
          "[sync][integration]") {
  // A resent or retried create of the same lines is refused by NetSuite (those quantities are refunded already)
  // while NetSuite holds the first: the marker lookup after the refusal finds it.
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-8009", "cash_sale", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"drop_after_commit","count":1,"path_contains":"!transform"})");
  const std::string refund = ShopifyRefund(
      "13002", "8009", "10.00", R"([{"line_item_id":1,"quantity":1,"subtotal":10.00,"line_item":{"sku":"PEN"}}])");
  REQUIRE(h.PostShopifyRefund("shop-eu", refund, "e2") == 200);
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:13002");
  CHECK(tx.status == TxStatus::kPosted);
  auto refunds = h.Records("cashRefund");
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0]["lines"] == "PEN:1:10.00 ");
  CHECK(refunds[0]["marker"] == "rs-" + tx.id);
}

TEST_CASE("NetSuite keeps failing: the last attempt leaves the transaction failed and dead-lettered",
          "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-9009", "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  // Refused with 429 every time (a 5xx or no answer holds the next create back for minutes: see below).
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"429","count":100,"path_contains":"!transform"})");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("14001", "9009", "10.00", "[]"), "e1") == 200);
  const Transaction tx =
      h.WaitTx("shop-eu", "shopify:refund:14001", [](const Transaction& t) { return t.attempts == 4; });
  CHECK(tx.status == TxStatus::kFailed);
  CHECK(tx.error->code == "upstream_unavailable");
  auto connection = ConnectLocal(h.redis.port());
  REQUIRE(connection);
  auto dead_letters = [&] { return (*(*connection)->Command({"XLEN", keys::DeadLetters()}))->integer; };
  WaitUntil([&] { return dead_letters() > 0; });
  CHECK(dead_letters() == 1);

  // As if the worker died between storing the last failure and writing the dead letter: its retry-set member is
  // still there (the letter is written before the member goes). The next worker's attempt writes the letter.
  REQUIRE(WaitUntil([&] { return !h.InRetrySet(tx.id); }));  // the last attempt lets go just after the letter
  REQUIRE((*connection)->Command({"DEL", keys::DeadLetters()}));
  REQUIRE((*connection)->Command({"ZADD", keys::RetrySet(), "0", tx.id}));
  WaitUntil([&] { return dead_letters() > 0; });
  CHECK(dead_letters() == 1);
  CHECK(h.LoadTx("shop-eu", "shopify:refund:14001")->status == TxStatus::kFailed);
}

TEST_CASE("A worker SIGKILLed mid-refund: another consumer takes the entry over and finishes, one record",
          "[sync][integration]") {
  HarnessOptions options;
  // Short claim and lease times so the takeover happens within the test; slow NetSuite so the kill lands mid-way.
  options.netsuite_timeout = "500ms";  // the lease below outlasts six of them
  options.worker_keys = "claim_idle: 2s, order_lease: 3s";
  SyncHarness h(options);
  h.SeedNetSuiteOrder("shop-eu-1501", "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"latency_ms":300})");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("15001", "1501", "10.00", "[]"), "e1") == 200);
  // Wait until the worker is talking to NetSuite about this order (the start-up pass's queries name none), then
  // kill it without warning.
  REQUIRE(WaitUntil(
      [&] { return h.sandbox.Control("GET", "/_control/netsuite/calls").find("shop-eu-1501") != std::string::npos; },
      10000));
  CHECK(h.server->Stop(SIGKILL) != 0);
  const auto before = h.LoadTx("shop-eu", "shopify:refund:15001");
  const bool posted_before_kill = before && before->status == TxStatus::kPosted;
  CHECK_FALSE(posted_before_kill);
  h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"latency_ms":0})");
  h.StartServer();  // a new process: a different consumer name
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:15001");
  CHECK(tx.status == TxStatus::kPosted);
  CHECK(h.Records("creditMemo").size() == 1);
}

TEST_CASE("The NetSuite concurrency limit holds across workers: no request is refused for concurrency",
          "[sync][integration]") {
  HarnessOptions options;
  options.start_server = false;
  options.worker_keys = "concurrency: 6";
  SyncHarness h(options);
  h.EditConfig([&](std::string& yaml) { yaml.replace(yaml.find("  certificate_id:"), 0, "  max_concurrency: 2\n"); });
  h.StartServer();
  h.sandbox.Control("POST", "/_control/netsuite/settings", R"({"latency_ms":60,"max_concurrency":2})");
  for (int i = 0; i < 6; ++i) {
    h.SeedNetSuiteOrder("shop-eu-16" + std::to_string(i), "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  }
  for (int i = 0; i < 6; ++i) {
    REQUIRE(h.PostShopifyRefund("shop-eu",
                                ShopifyRefund("1600" + std::to_string(i), "16" + std::to_string(i), "10.00", "[]"),
                                "c" + std::to_string(i)) == 200);
  }
  for (int i = 0; i < 6; ++i) {
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:1600" + std::to_string(i));
    CHECK(tx.status == TxStatus::kPosted);
    CHECK(tx.attempts == 1);
  }
  CHECK(h.sandbox.Control("GET", "/_control/netsuite/calls").find("\"over_limit\": 0") != std::string::npos);
  CHECK(h.Records("creditMemo").size() == 6);
}

TEST_CASE("An eBay notification naming an order imports that order's refunds", "[sync][integration]") {
  SyncHarness h;
  const std::string key_json = h.sandbox.Control("POST", "/_control/ebay/keys", R"({"kid":"kid-7"})");
  simdjson::dom::parser parser;
  const std::string private_pem(parser.parse(key_json)["private_key"].get_string().value());
  h.SeedNetSuiteOrder("ebay-us-44-444-4", "cash_sale", R"([{"sku":"CAP","quantity":2,"rate":"15.00"}])");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"44-444-4","line_items":[{"line_item_id":"L4","sku":"CAP","quantity":2,"price":"15.00"}]})");
  h.sandbox.Control("POST", "/_control/ebay/orders/44-444-4/refunds",
                    R"({"amount":"15.00","line_item_id":"L4","refund_id":"5NOTE"})");
  const std::string body =
      R"({"metadata":{"topic":"ORDER_CONFIRMATION","schemaVersion":"1.0"},"notification":{"notificationId":"n-44","data":{"order":{"orderId":"44-444-4"}}}})";
  const auto response = h.client.Request("POST", h.server->BaseUrl() + "/webhooks/ebay/ebay-us", body,
                                         {{"X-EBAY-SIGNATURE", EbaySignatureHeader(private_pem, "kid-7", body)}});
  REQUIRE(response.status == 200);
  const Transaction tx = h.WaitSettled("ebay-us", "ebay:refund:5NOTE");
  CHECK(tx.status == TxStatus::kPosted);
  auto refunds = h.Records("cashRefund");
  REQUIRE(refunds.size() == 1);
  CHECK(refunds[0]["lines"] == "CAP:1:15.00 ");
}

TEST_CASE("A Shopify refund whose webhook never arrived is caught up by reconciliation, once", "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-4444", "invoice", R"([{"sku":"MUG","quantity":2,"rate":"10.00"}])", "5.00");
  h.sandbox.Control(
      "POST", "/_control/shopify/orders",
      R"({"account":"shop-eu","order_id":"4444","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}],"paid":"25.00"})");
  const std::string made =
      h.sandbox.Control("POST", "/_control/shopify/orders/4444/refunds",
                        R"({"lines":[{"sku":"MUG","quantity":1}],"shipping":"5.00","send_webhook":false})");
  simdjson::dom::parser parser;
  const std::string refund_id(parser.parse(made)["refund_id"].get_string().value());
  CHECK_FALSE(h.LoadTx("shop-eu", "shopify:refund:" + refund_id).has_value());
  REQUIRE(h.Reconcile("shop-eu") == 0);
  const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:" + refund_id);
  CHECK(tx.status == TxStatus::kPosted);
  REQUIRE(h.Reconcile("shop-eu") == 0);
  auto memos = h.Records("creditMemo");
  REQUIRE(memos.size() == 1);
  CHECK(memos[0]["total"] == "15.00");
  CHECK(memos[0]["lines"] == "MUG:1:10.00 Shipping:1:5.00 ");
}

TEST_CASE("Fetching an eBay signing key does not hold up the HTTP thread, even when there is only one",
          "[sync][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.EditConfig([&](std::string& yaml) { yaml += "http:\n  threads: 1\n"; });
  h.StartServer();
  const std::string key_json = h.sandbox.Control("POST", "/_control/ebay/keys", R"({"kid":"kid-slow"})");
  simdjson::dom::parser parser;
  const std::string private_pem(parser.parse(key_json)["private_key"].get_string().value());
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"ebay","kind":"latency","path_contains":"public_key/kid-slow","latency_ms":5000})");
  const std::string body =
      R"({"metadata":{"topic":"ORDER_CONFIRMATION","schemaVersion":"1.0"},"notification":{"notificationId":"n-slow","data":{"order":{"orderId":"55-555-5"}}}})";
  std::atomic<bool> answered{false};
  int status = 0;
  std::thread notification([&] {
    HttpClient client;
    status = client
                 .Request("POST", h.server->BaseUrl() + "/webhooks/ebay/ebay-us", body,
                          {{"X-EBAY-SIGNATURE", EbaySignatureHeader(private_pem, "kid-slow", body)}})
                 .status;
    answered = true;
  });
  // The key fetch is waiting for eBay (which answers it in 5 s, far longer than the checks below take) ...
  const auto fetching = [&] {
    return h.sandbox.Control("GET", "/_control/faults").find("\"sleeping\": true") != std::string::npos;
  };
  WaitUntil(fetching, 10000);
  // ... and the one HTTP thread still answers meanwhile.
  CHECK(h.client.Get(h.server->BaseUrl() + "/healthz").status == 200);
  CHECK(fetching());
  CHECK_FALSE(answered.load());
  notification.join();
  CHECK(status == 200);  // verified with the fetched key, and recorded
}

TEST_CASE(
    "NetSuite as it really behaves: only the refunded lines, ISO codes from currency records, matrix items, "
    "no second card refund",
    "[sync][integration]") {
  SyncHarness h;
  SECTION("1 of 3 units of one line: a record with exactly that line and its tax, not a copy of the sale") {
    h.SeedNetSuiteOrder(
        "shop-eu-9101", "invoice",
        R"([{"sku":"MUG","quantity":3,"rate":"10.00","tax_rate":"0.10"},{"sku":"CUP","quantity":1,"rate":"4.00"}])",
        "5.00");
    const std::string refund = ShopifyRefund(
        "9101", "9101", "11.00",
        R"([{"line_item_id":1,"quantity":1,"subtotal":10.00,"total_tax":1.00,"line_item":{"sku":"MUG"}}])");
    REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-9101") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:9101");
    REQUIRE(tx.status == TxStatus::kPosted);
    auto memos = h.Records("creditMemo");
    REQUIRE(memos.size() == 1);
    CHECK(memos[0]["lines"] == "MUG:1:10.00 ");
    CHECK(memos[0]["total"] == "11.00");
  }
  SECTION("a EUR order, whose currency record is named \"Euro\", posts in EUR") {
    h.sandbox.Control(
        "POST", "/_control/netsuite/orders",
        R"({"external_id":"shop-eu-9102","billing":"invoice","currency":"EUR","lines":[{"sku":"MUG","quantity":2,"rate":"10.00"}]})");
    const std::string refund =
        R"({"id":9102,"order_id":9102,"created_at":")" +
        FormatRfc3339Ms(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count()) +
        R"(","refund_line_items":[{"line_item_id":1,"quantity":1,"subtotal":"10.00","total_tax":"0.00","line_item":{"sku":"MUG"}}],)"
        R"("transactions":[{"kind":"refund","status":"success","amount":"10.00","currency":"EUR"}],"order_adjustments":[]})";
    REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-9102") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:9102");
    CHECK(tx.status == TxStatus::kPosted);
    CHECK(tx.amount == Money{1000, "EUR"});
    CHECK(h.Records("creditMemo").size() == 1);
  }
  SECTION("a matrix item (refName \"Shirt : Shirt-Blue-M\") matches the storefront SKU by its itemId") {
    h.SeedNetSuiteOrder("shop-eu-9103", "invoice",
                        R"([{"sku":"Shirt-Blue-M","parent":"Shirt","quantity":2,"rate":"15.00"}])");
    const std::string refund = ShopifyRefund(
        "9103", "9103", "15.00",
        R"([{"line_item_id":1,"quantity":1,"subtotal":15.00,"total_tax":0,"line_item":{"sku":"Shirt-Blue-M"}}])");
    REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-9103") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:9103");
    REQUIRE(tx.status == TxStatus::kPosted);
    auto memos = h.Records("creditMemo");
    REQUIRE(memos.size() == 1);
    CHECK(memos[0]["lines"] == "Shirt : Shirt-Blue-M:1:15.00 ");
  }
  SECTION("a cash sale paid by card: the cash refund only books the refund, with or without Payment Instruments") {
    const bool payment_instruments = GENERATE(true, false);
    h.sandbox.Control("POST", "/_control/netsuite/settings",
                      payment_instruments ? R"({"payment_instruments":true})" : R"({"payment_instruments":false})");
    h.SeedNetSuiteOrder("shop-eu-9104", "cash_sale", R"([{"sku":"PEN","quantity":2,"rate":"3.00"}])");
    const std::string refund =
        ShopifyRefund("9104", "9104", "3.00",
                      R"([{"line_item_id":1,"quantity":1,"subtotal":3.00,"total_tax":0,"line_item":{"sku":"PEN"}}])");
    REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-9104") == 200);
    const Transaction tx = h.WaitSettled("shop-eu", "shopify:refund:9104");
    REQUIRE(tx.status == TxStatus::kPosted);
    auto refunds = h.Records("cashRefund");
    REQUIRE(refunds.size() == 1);
    CHECK(refunds[0]["card_refunded"] == "no");
    CHECK(h.sandbox.Control("GET", "/_control/netsuite/payments") == R"({"card_refunds_processed": 0})");
  }
}

TEST_CASE("A create answered 500 is not sent again while NetSuite may still be saving it", "[sync][integration]") {
  // NetSuite goes on with a request whose answer failed or never came, and may save the record later: until the
  // marker lookup finds it or the quiet period passes, the retry creates nothing.
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-9010", "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"netsuite","kind":"500","count":1,"path_contains":"!transform"})");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("14002", "9010", "10.00", "[]"), "e1") == 200);
  const Transaction tx =
      h.WaitTx("shop-eu", "shopify:refund:14002", [](const Transaction& t) { return t.attempts == 2; });
  CHECK(tx.status == TxStatus::kFailed);
  REQUIRE(tx.error);
  CHECK(IsRetryable(*tx.error));
  CHECK_THAT(tx.error->message, Catch::Contains("may still be saving it"));
  CHECK(h.SandboxTransforms() == 1);
  CHECK(h.Records("creditMemo").empty());
}

TEST_CASE("Refund amounts that are not money end failed with invalid_amount, and nothing is posted",
          "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("ebay-us-33-333-3", "cash_sale", R"([{"sku":"CAP","quantity":3,"rate":"20.00"}])");
  h.sandbox.Control(
      "POST", "/_control/ebay/orders",
      R"({"order_id":"33-333-3","line_items":[{"line_item_id":"L3","sku":"CAP","quantity":3,"price":"20.00"}]})");
  const std::vector<std::pair<std::string, std::string>> bad = {{"-5.00", "USD"}, {"-0", "USD"},
                                                                {"0.105", "USD"}, {"0.30000000000000004", "USD"},
                                                                {"10.00", "XYZ"}, {"92233720368547758.08", "USD"}};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    h.sandbox.Control("POST", "/_control/ebay/orders/33-333-3/refunds",
                      fmt::format(R"({{"refund_id":"5BAD{}","amount_as_sent":{{"value":"{}","currency":"{}"}}}})", i,
                                  bad[i].first, bad[i].second));
  }
  h.sandbox.Control("POST", "/_control/ebay/orders/33-333-3/refunds", R"({"amount":"20.00","refund_id":"5GOOD"})");
  // Zero is no money: skipped, not failed. A line's refund that has no amount yet is not imported yet.
  h.sandbox.Control("POST", "/_control/ebay/orders/33-333-3/refunds", R"({"amount":"0.00","refund_id":"5ZERO"})");
  h.sandbox.Control("POST", "/_control/ebay/orders/33-333-3/refunds",
                    R"({"refund_id":"5LATER","line_item_id":"L3","amount_as_sent":null})");

  REQUIRE(h.Reconcile("ebay-us") == 0);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    INFO(bad[i].first << " " << bad[i].second);
    const Transaction tx = h.WaitSettled("ebay-us", "ebay:refund:5BAD" + std::to_string(i));
    CHECK(tx.status == TxStatus::kFailed);
    REQUIRE(tx.error.has_value());
    CHECK(tx.error->code == "invalid_amount");
    CHECK(tx.attempts == 1);  // not retried
  }
  CHECK(h.WaitSettled("ebay-us", "ebay:refund:5GOOD").status == TxStatus::kPosted);
  const Transaction zero = h.WaitSettled("ebay-us", "ebay:refund:5ZERO");
  CHECK(zero.status == TxStatus::kSkipped);
  CHECK(zero.history.back().note == "nothing to do: no money was refunded");
  CHECK_FALSE(h.LoadTx("ebay-us", "ebay:refund:5LATER").has_value());
  auto refunds = h.Records("cashRefund");
  REQUIRE(refunds.size() == 1);  // only the good one
  CHECK(refunds[0]["total"] == "20.00");
}

TEST_CASE("Metrics: where a refund's time goes, upstream calls, queues, transactions, and every name the alerts use",
          "[sync][metrics][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-950", "invoice", R"([{"sku":"PEN","quantity":2,"rate":"10.00"}])");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9501", "950", "10.00", "[]"), "m1") == 200);
  REQUIRE(h.WaitSettled("shop-eu", "shopify:refund:9501").status == TxStatus::kPosted);
  // The Redis gauges are sampled every 5 s: wait for the sample that sees the posted refund, and its echo (our
  // credit memo's NetSuite event) out of the queues.
  std::string metrics;
  WaitUntil(
      [&] {
        metrics = h.client.Get(h.server->BaseUrl() + "/metrics").body;
        return metrics.find("refundsync_transactions{status=\"posted\"} 1") != std::string::npos &&
               metrics.find("refundsync_queue_depth{shard=\"0\"} 0") != std::string::npos &&
               metrics.find("refundsync_queue_oldest_seconds{shard=\"7\"} 0") != std::string::npos;
      },
      25000);
  INFO(metrics);
  CHECK(metrics.find("refundsync_transactions{status=\"posted\"} 1") != std::string::npos);
  CHECK(metrics.find("refundsync_refund_seconds_count{direction=\"to_netsuite\"} 1") != std::string::npos);
  CHECK(metrics.find("refundsync_webhook_seconds_count") != std::string::npos);
  // Where its time went: queued, waiting for a NetSuite slot, in upstream requests.
  for (const std::string stage : {"queued", "netsuite_slot", "upstream"}) {
    INFO(stage);
    CHECK(metrics.find("refundsync_refund_stage_seconds_count{stage=\"" + stage + "\"} ") != std::string::npos);
  }
  CHECK(metrics.find("refundsync_refund_stage_seconds_sum{stage=\"upstream\"} 0\n") == std::string::npos);
  CHECK(metrics.find("refundsync_queue_depth{shard=\"0\"} 0") != std::string::npos);
  CHECK(metrics.find("refundsync_queue_oldest_seconds{shard=\"7\"} 0") != std::string::npos);
  CHECK(
      metrics.find(
          R"(refundsync_upstream_calls_total{target="netsuite",call="POST /services/rest/record/v1/invoice/{id}/!transform/creditMemo",outcome="2xx"} 1)") !=
      std::string::npos);
  CHECK(metrics.find(R"(refundsync_upstream_calls_total{target="shopify",call="graphql )") != std::string::npos);
  // Every metric the PrometheusRule alerts on exists.
  std::ifstream rules(std::string(REFUNDSYNC_SOURCE_DIR) + "/deploy/k8s/prometheusrule.yaml");
  const std::string text((std::istreambuf_iterator<char>(rules)), std::istreambuf_iterator<char>());
  std::size_t names = 0;
  for (std::size_t at = text.find("refundsync_"); at != std::string::npos; at = text.find("refundsync_", at + 1)) {
    std::size_t end = at;
    while (end < text.size() && (std::islower(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    const std::string name = text.substr(at, end - at);
    if (name == "refundsync_" ||
        text.compare(end, 1, "{") != 0 && text.compare(end, 1, ")") != 0 && text.compare(end, 1, "[") != 0) {
      continue;  // not a metric in an expression (e.g. a command name in a summary)
    }
    INFO(name);
    CHECK(metrics.find("\n" + name) != std::string::npos);
    ++names;
  }
  CHECK(names >= 5);
}
