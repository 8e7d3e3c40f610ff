// Refunds entered in NetSuite reach the Shopify order once; our own writes coming back go into their origin's history;
// a lost NetSuite event is caught up by reconciliation. Real binary, real Redis, the sandbox sending real webhooks.
#include <algorithm>
#include <catch2/catch.hpp>

#include "store/key_layout.h"
#include "store/redis_sync_store.h"
#include "tests/support/sync_harness.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

// A Shopify order 2001 of shop-main (from_netsuite), synced to NetSuite and invoiced: returns the invoice id.
std::string SeedSyncedShopifyOrder(SyncHarness& h, const std::string& order_id) {
  h.sandbox.Control(
      "POST", "/_control/shopify/orders",
      R"({"order_id":")" + order_id + R"(","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}],"paid":"25.00"})");
  const std::string seeded = h.sandbox.Control(
      "POST", "/_control/netsuite/orders",
      R"({"external_id":"shop-main-)" + order_id +
          R"(","billing":"invoice","lines":[{"sku":"MUG","quantity":2,"rate":"10.00"}],"shipping":"5.00"})");
  simdjson::dom::parser parser;
  return std::string(parser.parse(seeded)["billed"]["id"].get_string().value());
}

std::string CreateNetSuiteCreditMemo(SyncHarness& h, const std::string& invoice, const std::string& lines,
                                     bool send_webhook = true) {
  const std::string created =
      h.sandbox.Control("POST", "/_control/netsuite/refunds",
                        fmt::format(R"({{"billed_type":"invoice","billed_id":"{}","lines":{},"send_webhook":{}}})",
                                    invoice, lines, send_webhook ? "true" : "false"));
  simdjson::dom::parser parser;
  return std::string(parser.parse(created)["id"].get_string().value());
}

std::string ShopifyOrder(SyncHarness& h, const std::string& order_id) {
  return h.sandbox.Control("GET", "/_control/shopify/orders/" + order_id);
}

// Stores `tx` as a worker that died mid-attempt left it (imported, its watchdog retry due) and waits for the
// retry to settle it.
Transaction ResumeAsDeadWorkerLeftIt(SyncHarness& h, Transaction tx) {
  tx.status = TxStatus::kImported;
  auto redis = ConnectLocal(h.redis.port());
  REQUIRE(redis);
  // The attempt stores its outcome a moment before it takes the transaction out of the retry set: wait for that,
  // or it would take out the member put back below.
  REQUIRE(WaitUntil([&] { return !h.InRetrySet(tx.id); }));
  REQUIRE((*redis)->Command({"SET", TxKey(tx), ToJson(tx)}));
  REQUIRE((*redis)->Command({"ZADD", keys::RetrySet(), "0", tx.id}));
  return h.WaitTx(tx.account, tx.source_record, [](const Transaction& t) { return t.status != TxStatus::kImported; });
}

// The refunds on a Shopify order that carry this note.
int RefundsWithNote(const std::string& order, const std::string& note) {
  int count = 0;
  for (auto at = order.find(note); at != std::string::npos; at = order.find(note, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("A NetSuite credit memo becomes a Shopify refund, our refund coming back goes into its history",
          "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2001");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  const Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  REQUIRE(tx.status == TxStatus::kPosted);
  CHECK(tx.amount == Money{1000, "USD"});
  CHECK(tx.target_record.rfind("shopify:refund:", 0) == 0);
  const std::string order = ShopifyOrder(h, "2001");
  CHECK(order.find(R"("refundableQuantity": 1)") != std::string::npos);
  CHECK(order.find(R"("amount": "10.00")") != std::string::npos);

  // Shopify sends refunds/create for the refund we just made, with our note: recorded in the credit memo's
  // transaction, not as a transaction of its own.
  const std::string came_back = "came back as " + tx.target_record;
  const Transaction after = h.WaitTx("shop-main", "netsuite:creditmemo:" + memo, [&](const Transaction& t) {
    return std::any_of(t.history.begin(), t.history.end(), [&](const auto& entry) { return entry.note == came_back; });
  });
  CHECK(after.status == TxStatus::kPosted);
  CHECK_FALSE(h.LoadTx("shop-main", tx.target_record).has_value());
}

// The worker died after Shopify made the refund and before the answer was stored.
TEST_CASE("Retry of a Shopify refund made but never recorded finds it by its note, never refuses or repeats it",
          "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2007");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":2,"amount":"20.00"}])");
  Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  REQUIRE(tx.status == TxStatus::kPosted);
  const std::string target = tx.target_record;
  // Put the record back as the dead worker left it. Shopify has the refund, so the order has nothing left to
  // refund (it used to fail here with amount_mismatch, for good).
  tx.target_record.clear();
  tx.history.pop_back();
  const Transaction again = ResumeAsDeadWorkerLeftIt(h, tx);
  CHECK(again.status == TxStatus::kPosted);
  CHECK(again.target_record == target);
  CHECK(RefundsWithNote(ShopifyOrder(h, "2007"), "NetSuite netsuite:creditmemo:" + memo) == 1);  // not two
}

// The gateway declines: Shopify keeps the refund, its refund transaction FAILURE. Nothing went back to the buyer,
// so the transaction is not posted; and no second refund is made, by a retry or by a resumed attempt.
TEST_CASE("Shopify refund declined by the gateway: failed with the reason, never made twice",
          "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2011");
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"refund_transaction_status":"FAILURE"})");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  CHECK(tx.status == TxStatus::kFailed);
  REQUIRE(tx.error);
  CHECK(tx.error->code == "upstream_rejected");
  CHECK_THAT(tx.error->message, Catch::Contains("has a failed refund transaction"));
  // Resumed as a dead worker's attempt would be: the refund is found by its note, and still not counted as sent.
  tx.error.reset();
  const Transaction again = ResumeAsDeadWorkerLeftIt(h, tx);
  CHECK(again.status == TxStatus::kFailed);
  REQUIRE(again.error);
  CHECK_THAT(again.error->message, Catch::Contains("has a failed refund transaction"));
  const std::string order = ShopifyOrder(h, "2011");
  CHECK(RefundsWithNote(order, "NetSuite netsuite:creditmemo:" + memo) == 1);  // not two
  CHECK(order.find(R"("status": "FAILURE")") != std::string::npos);
}

// An asynchronous gateway: the refund is made, its money not yet sent. The transaction waits with its target and
// is posted once the gateway settles, with that same refund.
TEST_CASE("Shopify refund pending at the gateway: posted once it settles, never made twice",
          "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2013");
  h.sandbox.Control("POST", "/_control/shopify/settings", R"({"refund_transaction_status":"PENDING"})");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  const Transaction waiting = h.WaitTx("shop-main", "netsuite:creditmemo:" + memo, [](const Transaction& t) {
    return LastPostNote(t).find("pending at the payment gateway") != std::string::npos;
  });
  CHECK(waiting.status == TxStatus::kImported);
  CHECK(waiting.target_record.rfind("shopify:refund:", 0) == 0);
  h.sandbox.Control("POST", "/_control/shopify/settings",
                    R"({"refund_transaction_status":"SUCCESS","settle_pending":true})");
  const Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  CHECK(tx.status == TxStatus::kPosted);
  CHECK(tx.target_record == waiting.target_record);
  CHECK(RefundsWithNote(ShopifyOrder(h, "2013"), "NetSuite netsuite:creditmemo:" + memo) == 1);  // not two
}

TEST_CASE("A NetSuite refund edited after posting is recorded as changed, nothing reversed",
          "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2002");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  REQUIRE(h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo).status == TxStatus::kPosted);
  h.sandbox.Control("PATCH", "/_control/netsuite/records/creditMemo/" + memo, R"({"memo":"edited by a user"})");
  // The change is its own skipped transaction; count them through the transaction index.
  auto connection = ConnectLocal(h.redis.port());
  REQUIRE(connection);
  auto changes_recorded = [&] {
    int found = 0;
    auto ids = (*connection)->Command({"ZRANGE", keys::TransactionIndex(), "0", "-1"});
    for (std::size_t k = 0; k < (*ids)->elements; ++k) {
      auto key = (*connection)->Command({"GET", keys::TransactionLocator((*ids)->element[k]->str)});
      auto json = (*connection)->Command({"GET", std::string((*key)->str, (*key)->len)});
      auto tx = TransactionFromJson(std::string((*json)->str, (*json)->len));
      found += tx && tx->status == TxStatus::kSkipped &&
               tx->history.back().note.find("changed after posting") != std::string::npos;
    }
    return found;
  };
  WaitUntil([&] { return changes_recorded() > 0; });
  CHECK(changes_recorded() == 1);

  // A queued edit event delivered twice (a worker died before acknowledging it) is one change, not two.
  WebhookEvent edit;
  edit.source = WebhookSource::kNetSuite;
  edit.kind = EventKind::kNetSuiteRecord;
  edit.record_type = "creditmemo";
  edit.record_id = memo;
  edit.record_event = "edit";
  auto deliver_and_wait = [&] {
    REQUIRE(
        (*connection)->Command({"XADD", keys::Events(0), "*", "event_id", "0-1795000000000-7", "event", ToJson(edit)}));
    // Handled: acknowledged and deleted.
    REQUIRE(WaitUntil([&] { return (*(*connection)->Command({"XLEN", keys::Events(0)}))->integer == 0; }));
  };
  deliver_and_wait();
  CHECK(changes_recorded() == 2);
  std::this_thread::sleep_for(
      std::chrono::milliseconds(5));  // not synchronisation: a later millisecond, as a redelivery has
  deliver_and_wait();
  CHECK(changes_recorded() == 2);
  const std::string order = ShopifyOrder(h, "2002");
  CHECK(order.find(R"("amount": "10.00")") != std::string::npos);  // one refund, not reversed, not repeated
}

TEST_CASE("A lost NetSuite event is caught up by reconciliation, once, whatever the account's time zone",
          "[sync][outbound][integration]") {
  SyncHarness h;
  // SuiteQL compares lastmodifieddate in the integration user's time zone: a window written in UTC would start
  // eight hours after the record's local time, and miss it.
  h.sandbox.Control("POST", "/_control/netsuite/settings",
                    GENERATE(R"({"timezone_offset_hours":-8})", R"({"timezone_offset_hours":14})"));
  const std::string invoice = SeedSyncedShopifyOrder(h, "2003");
  const std::string memo =
      CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":2,"amount":"20.00"}])", /*send_webhook=*/false);
  CHECK_FALSE(h.LoadTx("shop-main", "netsuite:creditmemo:" + memo).has_value());
  REQUIRE(h.Reconcile("shop-main") == 0);
  const Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  CHECK(tx.status == TxStatus::kPosted);
  REQUIRE(h.Reconcile("shop-main") == 0);  // again: nothing new
  const std::string order = ShopifyOrder(h, "2003");
  CHECK(order.find(R"("refundableQuantity": 0)") != std::string::npos);
  CHECK(order.find(R"("totalRefundedSet": {"shopMoney": {"amount": "20.00")") != std::string::npos);
}

TEST_CASE("Our own NetSuite credit memo coming back as a NetSuite event goes into its origin's history",
          "[sync][outbound][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-3001", "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("30001", "3001", "10.00", "[]"), "e1") == 200);
  const Transaction posted = h.WaitSettled("shop-eu", "shopify:refund:30001");
  REQUIRE(posted.status == TxStatus::kPosted);
  // The sandbox sends the SuiteScript's event for the credit memo we created, its memo carrying our marker.
  const std::string came_back = "came back as " + posted.target_record;
  const Transaction after = h.WaitTx("shop-eu", "shopify:refund:30001", [&](const Transaction& t) {
    return std::any_of(t.history.begin(), t.history.end(), [&](const auto& entry) { return entry.note == came_back; });
  });
  CHECK(after.status == TxStatus::kPosted);
  CHECK_FALSE(h.LoadTx("shop-eu", posted.target_record).has_value());
}

TEST_CASE("A NetSuite refund larger than the storefront can refund fails with amount_mismatch",
          "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2004");
  h.sandbox.Control("POST", "/_control/shopify/orders",
                    R"({"order_id":"2004","line_items":[{"sku":"MUG","quantity":2,"price":"10.00"}],"paid":"5.00"})");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  const Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  CHECK(tx.status == TxStatus::kFailed);
  CHECK(tx.error->code == "amount_mismatch");
}

TEST_CASE(
    "eBay from NetSuite: issue_refund starts PENDING, is posted once eBay shows it REFUNDED, a lost answer "
    "is settled by re-reading the order, never by issuing again",
    "[sync][outbound][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  h.EditConfig([&](std::string& yaml) {
    yaml.replace(yaml.find("    sync_since: \"2020-01-01\""), 0, "    refund_direction: from_netsuite\n");
  });
  h.StartServer();
  auto seed = [&](const std::string& order_id) {
    h.sandbox.Control("POST", "/_control/ebay/orders",
                      R"({"order_id":")" + order_id +
                          R"(","line_items":[{"line_item_id":"L1","sku":"CAP","quantity":2,"price":"20.00"}]})");
    const std::string seeded =
        h.sandbox.Control("POST", "/_control/netsuite/orders",
                          R"({"external_id":"ebay-us-)" + order_id +
                              R"(","billing":"cash_sale","lines":[{"sku":"CAP","quantity":2,"rate":"20.00"}]})");
    simdjson::dom::parser parser;
    return std::string(parser.parse(seeded)["billed"]["id"].get_string().value());
  };
  auto cash_refund = [&](const std::string& billed) {
    const std::string created = h.sandbox.Control("POST", "/_control/netsuite/refunds",
                                                  R"({"billed_type":"cashSale","billed_id":")" + billed +
                                                      R"(","lines":[{"sku":"CAP","quantity":1,"amount":"20.00"}]})");
    simdjson::dom::parser parser;
    return std::string(parser.parse(created)["id"].get_string().value());
  };

  const std::string first = cash_refund(seed("55-555-5"));
  const Transaction tx = h.WaitSettled("ebay-us", "netsuite:cashrefund:" + first);
  CHECK(tx.status == TxStatus::kPosted);
  CHECK(tx.target_record.rfind("ebay:refund:", 0) == 0);
  bool saw_pending = false;
  for (const auto& entry : tx.history) saw_pending |= entry.note.find("PENDING") != std::string::npos;
  CHECK(saw_pending);

  // The answer to issue_refund is lost after eBay made the refund: re-reading the order finds it.
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"ebay","kind":"drop_after_commit","count":1,"path_contains":"issue_refund"})");
  const std::string second = cash_refund(seed("66-666-6"));
  const Transaction lost = h.WaitSettled("ebay-us", "netsuite:cashrefund:" + second);
  CHECK(lost.status == TxStatus::kPosted);
  simdjson::dom::parser parser;
  const std::string order = h.sandbox.Control("GET", "/_control/ebay/orders/66-666-6");
  CHECK(parser.parse(order)["paymentSummary"]["refunds"].get_array().size() == 1);  // issued once, not twice

  // eBay throttles issue_refund (429) and makes no refund: the next attempt issues it, once. (It used to end as
  // upstream_unknown: the attempt's "issuing" note made the retry look for a refund that was never made.)
  h.sandbox.Control("POST", "/_control/faults",
                    R"({"target":"ebay","kind":"429","count":1,"path_contains":"issue_refund"})");
  const std::string third = cash_refund(seed("77-777-7"));
  const Transaction throttled = h.WaitSettled("ebay-us", "netsuite:cashrefund:" + third);
  CHECK(throttled.status == TxStatus::kPosted);
  CHECK(throttled.attempts >= 2);
  const std::string throttled_order = h.sandbox.Control("GET", "/_control/ebay/orders/77-777-7");
  CHECK(parser.parse(throttled_order)["paymentSummary"]["refunds"].get_array().size() == 1);
}

TEST_CASE("Shopify throttling is retried, the refund is made once", "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2005");
  h.sandbox.Control("POST", "/_control/faults", R"({"target":"shopify","kind":"429","count":2})");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  const Transaction tx = h.WaitSettled("shop-main", "netsuite:creditmemo:" + memo);
  CHECK(tx.status == TxStatus::kPosted);
  // The client waited as Shopify's throttleStatus said and asked again, within the first attempt.
  CHECK(tx.attempts == 1);
  simdjson::dom::parser parser;
  CHECK(int64_t(parser.parse(h.sandbox.Control("GET", "/_control/faults"))["faults"].at(0)["count"].get_int64()) == 0);
  CHECK(ShopifyOrder(h, "2005").find(R"("refundableQuantity": 1)") != std::string::npos);
}

TEST_CASE(
    "Shopify's cost-based rate limit: an empty bucket throttles every attempt, after the last one the "
    "refund is failed, dead-lettered and nothing was refunded",
    "[sync][outbound][integration]") {
  SyncHarness h;
  const std::string invoice = SeedSyncedShopifyOrder(h, "2006");
  // An empty bucket that does not refill: every attempt is throttled until the last one.
  h.sandbox.Control("POST", "/_control/shopify/settings",
                    R"({"maximum_available":100,"restore_rate":0,"currently_available":5})");
  const std::string memo = CreateNetSuiteCreditMemo(h, invoice, R"([{"sku":"MUG","quantity":1,"amount":"10.00"}])");
  const Transaction exhausted = h.WaitTx("shop-main", "netsuite:creditmemo:" + memo, [](const Transaction& t) {
    return t.attempts == 4 && t.status == TxStatus::kFailed;
  });
  CHECK(exhausted.error->code == "upstream_unavailable");
  CHECK_THAT(exhausted.error->message, Catch::Contains("throttled"));
  auto connection = ConnectLocal(h.redis.port());
  REQUIRE(connection);
  // The failure is stored before its dead letter is written: wait for the letter.
  auto dead_letters = [&] { return (*(*connection)->Command({"XLEN", keys::DeadLetters()}))->integer; };
  WaitUntil([&] { return dead_letters() > 0; });
  CHECK(dead_letters() == 1);
  CHECK(ShopifyOrder(h, "2006").find(R"("refundableQuantity": 2)") != std::string::npos);  // nothing refunded yet
}
