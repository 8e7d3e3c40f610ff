// The refund audit end to end (contract section 6a): the binary's `audit` and `audit ack`, the admin API and the
// gauge, against the sandbox's eBay, Shopify and NetSuite (its SuiteQL runs the audit's query on NetSuite-shaped
// tables and refuses what NetSuite would).
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>

#include "core/audit_period.h"
#include "core/time.h"
#include "tests/support/run_command.h"
#include "tests/support/server_process.h"
#include "tests/support/sync_harness.h"
#include "tests/support/wait.h"

namespace refundsync::testing {
namespace {

std::string Day(int offset) {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(24 * offset);
  return LocalDate(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count(), "UTC");
}

// The internal ids of a NetSuite order the sandbox was given: its sales order and billed record.
struct SeededOrder {
  std::string sales_order;
  std::string billed;
};

SeededOrder SeedOrderRecords(SyncHarness& h, const std::string& external_id, const std::string& billing,
                             const std::string& rate) {
  simdjson::dom::parser parser;
  const std::string answer =
      h.sandbox.Control("POST", "/_control/netsuite/orders",
                        R"({"external_id":")" + external_id + R"(","billing":")" + billing +
                            R"(","lines":[{"sku":"CAP","quantity":1,"rate":")" + rate + R"("}]})");
  simdjson::dom::element root = parser.parse(answer);
  return {std::string(root["sales_order"].get_string().value()),
          std::string(root["billed"]["id"].get_string().value())};
}

// The billed record's internal id of a NetSuite order the sandbox was given.
std::string SeedOrder(SyncHarness& h, const std::string& external_id, const std::string& billing,
                      const std::string& rate) {
  return SeedOrderRecords(h, external_id, billing, rate).billed;
}

void EbayOrder(SyncHarness& h, const std::string& id, const std::string& price) {
  h.sandbox.Control("POST", "/_control/ebay/orders",
                    R"({"order_id":")" + id + R"(","line_items":[{"line_item_id":"L)" + id +
                        R"(","sku":"CAP","quantity":1,"price":")" + price + R"("}]})");
}

// A refund a person enters in NetSuite, with no event sent; its internal id.
std::string HandEnteredRefund(SyncHarness& h, const std::string& billed_type, const std::string& billed_id,
                              const std::string& amount, const std::string& memo) {
  simdjson::dom::parser parser;
  const std::string answer = h.sandbox.Control("POST", "/_control/netsuite/refunds",
                                               R"({"billed_type":")" + billed_type + R"(","billed_id":")" + billed_id +
                                                   R"(","lines":[{"sku":"CAP","amount":")" + amount +
                                                   R"("}],"memo":")" + memo + R"(","send_webhook":false})");
  return std::string(parser.parse(answer)["id"].get_string().value());
}

std::string NowMinusHours(int hours) {
  const auto at = std::chrono::system_clock::now() - std::chrono::hours(hours);
  return FormatRfc3339Ms(std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

CommandResult Audit(SyncHarness& h, const std::string& account, const std::string& extra = "") {
  return RunCommand(RefundsyncBinary() + " audit --config " + h.config_path + " --account " + account + " --from " +
                    Day(-1) + " --to " + Day(1) + " " + extra + " 2>/dev/null");
}

std::map<std::string, std::string> KindsByOrder(const std::string& json) {
  simdjson::dom::parser parser;
  std::map<std::string, std::string> kinds;
  for (auto d : parser.parse(json)["discrepancies"].get_array()) {
    kinds[std::string(d["order_id"].get_string().value())] = std::string(d["kind"].get_string().value());
  }
  return kinds;
}

}  // namespace

TEST_CASE("Audit: the sandbox's discrepancies are found, acknowledged and fixed, and the API and gauge agree",
          "[audit][integration]") {
  HarnessOptions options;
  options.start_server = false;
  options.ebay_sync_since = NowMinusHours(1);
  SyncHarness h(options);
  h.AddAdminTokens({{"view", "viewer", "viewer-token-value"}, {"ops", "operator", "operator-token-value"}});
  h.StartServer();
  // 11: refunded on eBay and synced (then booked a second time by hand with our marker: a duplicate).
  const std::string sale11 = SeedOrder(h, "ebay-us-11", "cash_sale", "60.00");
  EbayOrder(h, "11", "60.00");
  h.sandbox.Control("POST", "/_control/ebay/orders/11/refunds", R"({"amount":"40.00","refund_id":"5AAA1"})");
  // 12: agrees, synced the same way.
  const std::string sale12 = SeedOrder(h, "ebay-us-12", "cash_sale", "50.00");
  EbayOrder(h, "12", "50.00");
  h.sandbox.Control("POST", "/_control/ebay/orders/12/refunds", R"({"amount":"15.00","refund_id":"5BBB2"})");
  REQUIRE(h.Reconcile("ebay-us") == 0);
  const Transaction synced = h.WaitSettled("ebay-us", "ebay:refund:5AAA1");
  REQUIRE(synced.status == TxStatus::kPosted);
  const Transaction agreed = h.WaitSettled("ebay-us", "ebay:refund:5BBB2");
  REQUIRE(agreed.status == TxStatus::kPosted);
  const std::string copy11 = HandEnteredRefund(h, "cashSale", sale11, "40.00", "rs-" + synced.id);
  // 12's cash refund, which we posted, is deleted in NetSuite afterwards: missing there again, our posted
  // transaction named.
  const std::string record12 = agreed.target_record.substr(agreed.target_record.rfind(':') + 1);
  h.sandbox.Control("DELETE", "/_control/netsuite/records/cashRefund/" + record12, "{}");
  // 13: refunded on eBay after the last reconciliation (no notification reaches us): missing in NetSuite.
  SeedOrder(h, "ebay-us-13", "cash_sale", "50.00");
  EbayOrder(h, "13", "50.00");
  h.sandbox.Control("POST", "/_control/ebay/orders/13/refunds", R"({"amount":"20.00","refund_id":"5CCC3"})");
  // 14: a goodwill credit entered in NetSuite only: missing on the storefront.
  const std::string invoice14 = SeedOrder(h, "ebay-us-14", "invoice", "35.50");
  EbayOrder(h, "14", "35.50");
  HandEnteredRefund(h, "invoice", invoice14, "10.00", "goodwill");
  // 15: eBay refunded 30.00, NetSuite holds 25.00 (booked by hand): the amounts differ.
  const std::string sale15 = SeedOrder(h, "ebay-us-15", "cash_sale", "50.00");
  EbayOrder(h, "15", "50.00");
  h.sandbox.Control("POST", "/_control/ebay/orders/15/refunds", R"({"amount":"30.00","refund_id":"5EEE5"})");
  const std::string booked15 = HandEnteredRefund(h, "cashSale", sale15, "25.00", "restocking fee kept");
  // 16: refunded on eBay before the account's sync_since: left out on both sides.
  SeedOrder(h, "ebay-us-16", "cash_sale", "50.00");
  EbayOrder(h, "16", "50.00");
  h.sandbox.Control("POST", "/_control/ebay/orders/16/refunds",
                    R"({"amount":"12.00","refund_id":"5FFF6","refund_date":")" + NowMinusHours(2) + R"("})");

  const CommandResult first = Audit(h, "ebay-us", "--output json");
  INFO(first.output);
  CHECK(first.exit_code == 1);
  const auto kinds = KindsByOrder(first.output);
  CHECK(kinds == std::map<std::string, std::string>{{"11", "duplicate"},
                                                    {"12", "missing_in_netsuite"},
                                                    {"13", "missing_in_netsuite"},
                                                    {"14", "missing_on_storefront"},
                                                    {"15", "amount_differs"}});
  simdjson::dom::parser parser;
  for (auto d : parser.parse(first.output)["discrepancies"].get_array()) {
    if (d["order_id"].get_string().value() == "15") {
      CHECK(d["storefront_refunded"]["minor_units"].get_int64().value() == 3000);
      CHECK(d["netsuite_refunded"]["minor_units"].get_int64().value() == 2500);
      CHECK(d["difference"]["minor_units"].get_int64().value() == 500);
    }
    if (d["order_id"].get_string().value() == "11") {
      CHECK(d["transactions"].at(0).get_string().value() == synced.id);
    }
    if (d["order_id"].get_string().value() == "12") {
      CHECK(d["transactions"].at(0).get_string().value() == agreed.id);
    }
  }

  // The operator's fixes: 13 is retrieved by reconciling (and posted); the copy booked twice for 11 is deleted;
  // 12's refund is entered again by hand.
  REQUIRE(h.Reconcile("ebay-us") == 0);
  REQUIRE(h.WaitSettled("ebay-us", "ebay:refund:5CCC3").status == TxStatus::kPosted);
  h.sandbox.Control("DELETE", "/_control/netsuite/records/cashRefund/" + copy11, R"({"send_webhook":false})");
  HandEnteredRefund(h, "cashSale", sale12, "15.00", "entered again");
  // Reconciling also imported 15's eBay refund, which cannot post (NetSuite holds less refundable than it asks): a
  // failed transaction now explains 15.
  const Transaction failed15 = h.WaitSettled("ebay-us", "ebay:refund:5EEE5");
  REQUIRE(failed15.status == TxStatus::kFailed);
  const CommandResult after = Audit(h, "ebay-us", "--output json");
  INFO(after.output);
  CHECK(after.exit_code == 1);
  CHECK(KindsByOrder(after.output) ==
        std::map<std::string, std::string>{{"14", "missing_on_storefront"}, {"15", "unposted"}});
  CHECK(after.output.find(failed15.id) != std::string::npos);
  CHECK(after.output.find(R"("unacknowledged":2)") != std::string::npos);

  // The API shows the stored audit; the server's gauge follows it.
  const std::map<std::string, std::string> viewer = {{"Authorization", "Bearer viewer-token-value"}};
  const auto stored = h.client.Request("GET", h.server->BaseUrl() + "/api/audit?account=ebay-us", "", viewer);
  REQUIRE(stored.status == 200);
  CHECK(stored.body.find(R"("unacknowledged":2)") != std::string::npos);
  const std::string unposted_gauge = R"(refundsync_audit_discrepancies{account="ebay-us",kind="unposted"} 1)";
  const std::string goodwill_gauge =
      R"(refundsync_audit_discrepancies{account="ebay-us",kind="missing_on_storefront"} 1)";
  const auto metrics = h.client.Request("GET", h.server->BaseUrl() + "/metrics", "", {});
  CHECK(metrics.body.find(unposted_gauge) != std::string::npos);
  CHECK(metrics.body.find(goodwill_gauge) != std::string::npos);

  // 15: the 25.00 booked by hand was wrong; the operator deletes it and posts eBay's refund.
  h.sandbox.Control("DELETE", "/_control/netsuite/records/cashRefund/" + booked15, R"({"send_webhook":false})");
  const std::map<std::string, std::string> op = {{"Authorization", "Bearer operator-token-value"}};
  const auto post =
      h.client.Request("POST", h.server->BaseUrl() + "/api/transactions/" + failed15.id + "/post", "", op);
  INFO(post.body);
  CHECK(post.status == 200);
  CHECK(h.WaitSettled("ebay-us", "ebay:refund:5EEE5").status == TxStatus::kPosted);
  // 14: the goodwill credit is intended, the one acknowledgement. A viewer cannot give it; an operator can, by the
  // CLI or through the API (which here replaces the note).
  const std::string body = R"({"account":"ebay-us","order_id":"14","note":"goodwill, booked by hand"})";
  CHECK(h.client.Request("POST", h.server->BaseUrl() + "/api/audit/ack", body, viewer).status == 403);
  const CommandResult ack = RunCommand(RefundsyncBinary() + " audit ack --config " + h.config_path +
                                       " --account ebay-us --order-id 14 --note 'goodwill' 2>&1");
  INFO(ack.output);
  CHECK(ack.exit_code == 0);
  const auto acked_by_cli = h.client.Request("GET", h.server->BaseUrl() + "/api/audit?account=ebay-us", "", viewer);
  CHECK(acked_by_cli.body.find(R"("acknowledgement":"goodwill")") != std::string::npos);
  CHECK(acked_by_cli.body.find(R"("unacknowledged":1)") != std::string::npos);  // 15, until the next audit
  const auto api_ack = h.client.Request("POST", h.server->BaseUrl() + "/api/audit/ack", body, op);
  CHECK(api_ack.status == 200);
  CHECK(api_ack.body.find(R"("note":"goodwill, booked by hand")") != std::string::npos);
  const CommandResult agreed_now = Audit(h, "ebay-us", "--output json");
  INFO(agreed_now.output);
  CHECK(agreed_now.exit_code == 0);
  CHECK(KindsByOrder(agreed_now.output) == std::map<std::string, std::string>{{"14", "missing_on_storefront"}});
  CHECK(agreed_now.output.find(R"("acknowledgement":"goodwill, booked by hand")") != std::string::npos);

  // A run through the API answers 202 at once with its id; the stored audit then carries it, and the gauge is 0.
  const auto started = h.client.Request("POST", h.server->BaseUrl() + "/api/audit/run",
                                        R"({"account":"ebay-us","from":")" + Day(-1) + R"("})", op);
  REQUIRE(started.status == 202);
  const std::string id = std::string(parser.parse(started.body)["id"].get_string().value());
  std::string last;
  CHECK(WaitUntil(
      [&] {  // the stored report is this run's (while it runs, the previous one is shown beside it)
        last = h.client.Request("GET", h.server->BaseUrl() + "/api/audit?account=ebay-us", "", viewer).body;
        simdjson::dom::parser report_parser;
        simdjson::dom::element report;
        std::string_view report_id, status;
        return !report_parser.parse(last).get(report) && !report["id"].get_string().get(report_id) &&
               !report["status"].get_string().get(status) && report_id == id && status == "done";
      },
      30000));  // an audit of both sides: several upstream reads, slow under the sanitizers
  CHECK(last.find(R"("unacknowledged":0)") != std::string::npos);
  const std::string gauges = h.client.Request("GET", h.server->BaseUrl() + "/metrics", "", {}).body;
  for (const char* kind : {"missing_in_netsuite", "missing_on_storefront", "amount_differs", "duplicate", "unposted"}) {
    INFO(kind);
    CHECK(gauges.find(std::string(R"(refundsync_audit_discrepancies{account="ebay-us",kind=")") + kind + R"("} 0)") !=
          std::string::npos);
  }
}

TEST_CASE(
    "Audit of a Shopify account: a refund made without a webhook is missing in NetSuite and the query stays "
    "within Shopify's cost",
    "[audit][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-2001", "cash_sale", R"([{"sku":"MUG","quantity":2,"rate":"10.00"}])");
  h.sandbox.Control("POST", "/_control/shopify/orders/2001/refunds",
                    R"({"lines":[{"sku":"MUG","quantity":1,"subtotal":"10.00"}],"send_webhook":false,)"
                    R"("create_order":{"account":"shop-eu","paid":"20.00"}})");
  const CommandResult audit = Audit(h, "shop-eu", "--output csv");
  INFO(audit.output);

  CHECK(audit.exit_code == 1);
  CHECK(audit.output.find("shop-eu,2001,missing_in_netsuite,10.00,0.00,10.00,USD") != std::string::npos);
  simdjson::dom::parser parser;
  for (auto cost : parser.parse(h.sandbox.Control("GET", "/_control/shopify/costs"))["costs"].get_array()) {
    CHECK(cost["requested"].get_int64().value() <= 800);
  }
}

TEST_CASE("Audit: refunds a person issued from a return authorization count on the NetSuite side",
          "[audit][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  // An order synced and billed, and on eBay.
  const auto seed = [&](const std::string& id, const std::string& billing) {
    EbayOrder(h, id, "50.00");
    return SeedOrderRecords(h, "ebay-us-" + id, billing, "50.00");
  };
  // A person authorizes a return from a record and issues a refund from it (no event reaches us).
  const auto refund_a_return = [&](const std::string& from_type, const std::string& from_id, const std::string& to_type,
                                   const std::string& amount) {
    h.RefundThroughReturn(from_type, from_id, to_type, R"([{"sku":"CAP","amount":")" + amount + R"("}])");
  };
  const auto refund_on_ebay = [&](const std::string& id, const std::string& amount) {
    h.sandbox.Control("POST", "/_control/ebay/orders/" + id + "/refunds",
                      R"({"amount":")" + amount + R"(","refund_id":"5RMA)" + id + R"("})");
  };
  const auto [so21, sale21] = seed("21", "cash_sale");  // the return made from the sales order
  refund_a_return("salesOrder", so21, "cashRefund", "10.00");
  refund_on_ebay("21", "10.00");
  const auto [so22, sale22] = seed("22", "cash_sale");  // from the cash sale
  refund_a_return("cashSale", sale22, "cashRefund", "12.00");
  refund_on_ebay("22", "12.00");
  const auto [so23, invoice23] = seed("23", "invoice");  // from the invoice, credited
  refund_a_return("invoice", invoice23, "creditMemo", "15.00");
  refund_on_ebay("23", "15.00");
  const auto [so24, sale24] = seed("24", "cash_sale");  // NetSuite holds less than eBay refunded
  refund_a_return("salesOrder", so24, "cashRefund", "8.00");
  refund_on_ebay("24", "10.00");

  const CommandResult audit = Audit(h, "ebay-us", "--output json");
  INFO(audit.output);
  CHECK(audit.exit_code == 1);
  CHECK(KindsByOrder(audit.output) == std::map<std::string, std::string>{{"24", "amount_differs"}});
  CHECK(audit.output.find(R"("orders_compared":4)") != std::string::npos);  // 21 to 23 read on both sides, agreeing
  CHECK(audit.output.find(R"("netsuite_refunded":{"minor_units":800)") != std::string::npos);
}

TEST_CASE("Audit API: bad input gets a clear error and stores nothing", "[audit][integration][admin]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.AddAdminTokens({{"view", "viewer", "viewer-token-value"}, {"ops", "operator", "operator-token-value"}});
  h.StartServer();
  const std::map<std::string, std::string> op = {{"Authorization", "Bearer operator-token-value"}};
  simdjson::dom::parser parser;
  // Each answer: its status, and the error's stable code in the body (the message says what was wrong).
  const auto expect = [&](const std::string& method, const std::string& path, const std::string& body, int status,
                          const std::string& code, const std::string& says) {
    const auto answer = h.client.Request(method, h.server->BaseUrl() + path, body, op);
    INFO(method << " " << path << " " << body << " -> " << answer.status << " " << answer.body);
    CHECK(answer.status == status);
    simdjson::dom::element error;
    REQUIRE_FALSE(parser.parse(answer.body)["error"].get(error));
    CHECK(std::string_view(error["code"].get_string().value()) == code);
    CHECK(std::string_view(error["message"].get_string().value()).find(says) != std::string_view::npos);
  };
  const std::string from = R"(,"from":")" + Day(-1) + R"("})";
  expect("GET", "/api/audit", "", 400, "bad_request", "?account=");
  expect("GET", "/api/audit?account=nope", "", 404, "unknown_account", "nope");
  expect("GET", "/api/audit?account=shop-eu", "", 404, "not_found", "no audit yet");
  expect("POST", "/api/audit/run", R"({"account":"shop-eu","from":)", 400, "bad_request", "\"from\"");
  expect("POST", "/api/audit/run", R"({"account":"shop-eu"})", 400, "bad_request", "YYYY-MM-DD");
  expect("POST", "/api/audit/run", R"({"account":"shop-eu","from":"2026-13-40"})", 400, "bad_request", "2026-13-40");
  expect("POST", "/api/audit/run", R"({"account":"shop-eu","from":"2026-11-02","to":"2026-11-01"})", 400, "bad_request",
         "before it starts");
  expect("POST", "/api/audit/run", R"({"account":"nope")" + from, 404, "unknown_account", "nope");
  expect("GET", "/api/audit/run", "", 405, "method_not_allowed", "POST");
  expect("POST", "/api/audit/ack", R"({"account":"shop-eu","order_id":"2001"})", 400, "bad_request", "note");
  expect("POST", "/api/audit/ack", R"({"account":"shop-eu","order_id":"2001","note":""})", 400, "bad_request", "note");
  expect("POST", "/api/audit/ack", R"({"account":"shop-eu","order_id":"2001","note":"intended"})", 404, "not_found",
         "no audit yet");
  expect("POST", "/api/audit/ack", R"({"account":"nope","order_id":"2001","note":"intended"})", 404, "unknown_account",
         "nope");
  // None of them started or stored anything.
  expect("GET", "/api/audit?account=shop-eu", "", 404, "not_found", "no audit yet");
}

}  // namespace refundsync::testing

namespace refundsync::testing {

// An audit over 2 000 orders: NetSuite answers one SuiteQL query in pages of 1 000 rows, within its concurrency
// limit; Shopify's listing stays under the cost ceiling per query and the client waits for the bucket instead of
// being refused. docs/performance.md quotes the counts this prints.
TEST_CASE("Audit of 2000 orders: NetSuite calls and Shopify query costs stay within their limits",
          "[audit][integration]") {
  constexpr int kOrders = 2000;
  SyncHarness h;
  // A generous bucket keeps the test short; the requested cost of each query is what the limit is about.
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"maximum_available":20000,"restore_rate":20000})");
  for (int i = 0; i < kOrders; ++i) {
    const std::string id = std::to_string(30000 + i);
    const std::string billed = SeedOrder(h, "shop-eu-" + id, "cash_sale", "20.00");
    h.sandbox.Control(
        "POST", "/_control/shopify/orders/" + id + "/refunds",
        R"({"lines":[],"total":"5.00","send_webhook":false,"create_order":{"account":"shop-eu","paid":"20.00"}})");
    // Every order agrees except the last one, whose refund NetSuite does not hold.
    if (i + 1 < kOrders) HandEnteredRefund(h, "cashSale", billed, "5.00", "booked by hand");
  }
  std::string before_calls = h.sandbox.Control("GET", "/_control/netsuite/calls");
  simdjson::dom::parser parser;
  const std::size_t netsuite_before = parser.parse(before_calls)["calls"].get_array().size();
  const auto started = std::chrono::steady_clock::now();
  const CommandResult audit = Audit(h, "shop-eu", "--output csv");
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(audit.output.substr(0, 2000));
  CHECK(audit.exit_code == 1);
  CHECK(audit.output.find("shop-eu," + std::to_string(30000 + kOrders - 1) + ",missing_in_netsuite,5.00,0.00") !=
        std::string::npos);
  CHECK(std::count(audit.output.begin(), audit.output.end(), '\n') == 2);  // the header and that one order

  simdjson::dom::element calls = parser.parse(h.sandbox.Control("GET", "/_control/netsuite/calls"));
  std::size_t suiteql = 0, netsuite_calls = 0;
  std::size_t index = 0;
  for (auto call : calls["calls"].get_array()) {
    if (index++ < netsuite_before) continue;
    ++netsuite_calls;
    if (std::string_view(call["path"].get_string().value()).find("suiteql") != std::string_view::npos) ++suiteql;
  }
  CHECK(calls["over_limit"].get_int64().value() == 0);
  CHECK(suiteql == 2);  // 1 999 records: two pages of at most 1 000 rows
  CHECK(netsuite_calls == suiteql);
  int listings = 0, most = 0, actual = 0;
  for (auto cost : parser.parse(h.sandbox.Control("GET", "/_control/shopify/costs"))["costs"].get_array()) {
    if (cost["operation"].get_string().value() != "AuditRefundsOfOrders") continue;
    ++listings;
    most = std::max(most, static_cast<int>(cost["requested"].get_int64().value()));
    actual += static_cast<int>(cost["actual"].get_int64().value());
    CHECK_FALSE(cost["refused"].get_bool().value());
  }
  CHECK(listings == (kOrders + 11) / 12);  // 12 orders a page
  CHECK(most <= 800);
  WARN("audit of " << kOrders << " orders: " << netsuite_calls << " NetSuite calls, " << listings
                   << " Shopify queries (requested cost at most " << most << ", actual " << actual << " in all), "
                   << seconds << " s");
}

}  // namespace refundsync::testing
