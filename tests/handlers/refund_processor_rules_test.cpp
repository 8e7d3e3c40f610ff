// What happens to a refund once it is known (RefundProcessor), through an in-memory store, NetSuite and eBay: the
// direction policy, the cut-over, auto_post, dedupe, amounts never posted, retries with back-off and dead letters,
// the order lease, and NetSuite records changed after posting. No process, no Redis, no network.
#include <catch2/catch.hpp>

#include "core/time.h"
#include "handlers/refund_processor.h"
#include "tests/support/fake_sync_engine.h"
#include "tests/support/refund_scenes.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;     // 2026-05-28T20:26:40Z
constexpr std::int64_t kDayAgo = kNow - 86'400'000;  // every account's cut-over

// The shared accounts and orders (tests/support/fake_sync_engine.h), three attempts at most.
Config ThreeAccounts() {
  Config config = ThreeDirectedAccounts(kDayAgo);
  config.worker_max_attempts = 3;
  return config;
}

struct Engine : FakeSyncEngine {
  Engine() : FakeSyncEngine(ThreeAccounts(), kNow) { SeedThreeOrders(*this); }

  const AccountConfig& ebay_account() const { return config.accounts[0]; }

  // An eBay refund of order 100 made `ago_ms` before now.
  Transaction EbayRefund(std::int64_t cents, std::int64_t ago_ms = 60'000) {
    Transaction tx;
    tx.account = "ebay-us";
    tx.direction = "to_netsuite";
    tx.source_record = "ebay:refund:R" + std::to_string(++refunds);
    tx.id = TransactionId(tx.account, tx.source_record);
    tx.order_id = "100";
    tx.amount = Usd(cents);
    tx.source_created_at = FormatRfc3339Ms(kNow - ago_ms);
    tx.created_ms = kNow;
    tx.Record(kNow, TxStatus::kImported, "imported");
    return tx;
  }

  Result<Transaction> Import(const Transaction& tx, bool automatic = true) {
    return processor.Import(*config.FindAccount(tx.account), tx, store, automatic);
  }

  int refunds = 0;
};

std::string ErrorCode(const Transaction& tx) { return tx.error ? tx.error->code : std::string(); }
const std::string& LastNote(const Transaction& tx) { return tx.history.back().note; }

}  // namespace

TEST_CASE("Processor: a refund to NetSuite is posted once, however often it arrives", "[rules]") {
  Engine e;
  const Transaction refund = e.EbayRefund(1500);
  auto first = e.Import(refund);
  REQUIRE(first);
  CHECK(first->status == TxStatus::kPosted);
  CHECK(first->attempts == 1);
  CHECK(first->target_record.rfind("netsuite:cashrefund:", 0) == 0);
  CHECK(first->billed_record == "cashSale:20");
  CHECK(e.store.retries.empty());  // finished: out of the retry set
  auto again = e.Import(refund);   // redelivered, replayed, reconciled again
  REQUIRE(again);
  CHECK(again->status == TxStatus::kPosted);
  CHECK(e.ledger.Count("create") == 1);
  CHECK(e.ledger.RefundsFrom("20").size() == 1);
}

TEST_CASE("Processor: the direction policy skips a refund against the account's direction, with the reason",
          "[rules]") {
  Engine e;
  Transaction shopify_refund = e.EbayRefund(1500);
  shopify_refund.account = "shop";
  shopify_refund.source_record = "shopify:refund:77";
  shopify_refund.id = TransactionId("shop", shopify_refund.source_record);
  auto skipped = e.Import(shopify_refund);
  REQUIRE(skipped);
  CHECK(skipped->status == TxStatus::kSkipped);
  CHECK(LastNote(*skipped).find("shop") != std::string::npos);
  CHECK(e.ledger.Count("context") == 0);

  e.config.accounts[0].direction = Direction::kOff;
  auto off = e.Import(e.EbayRefund(1500));
  REQUIRE(off);
  CHECK(off->status == TxStatus::kSkipped);
  CHECK(e.ledger.Count("create") == 0);
}

TEST_CASE("Processor: the cut-over holds back older refunds from automatic sync, never from an operator", "[rules]") {
  Engine e;
  const Transaction old = e.EbayRefund(1500, 2 * 86'400'000);
  auto skipped = e.Import(old);
  REQUIRE(skipped);
  CHECK(skipped->status == TxStatus::kSkipped);
  CHECK(SkippedForCutover(*skipped));
  CHECK(e.ledger.Count("create") == 0);
  auto retrieved = e.Import(old, /*automatic=*/false);
  REQUIRE(retrieved);
  CHECK(retrieved->status == TxStatus::kPosted);
  CHECK(retrieved->history[retrieved->history.size() - 2].note.find("despite the cut-over") != std::string::npos);

  // In the cut-over's own second: not before it (NetSuite writes times without milliseconds).
  e.config.accounts[0].sync_since_ms = kNow - 60'000 + 999;
  auto same_second = e.Import(e.EbayRefund(1000, 60'000));
  REQUIRE(same_second);
  CHECK(same_second->status == TxStatus::kPosted);

  // Without sync_since the cut-over is the first time the service saw the account.
  e.config.accounts[0].sync_since_ms.reset();
  e.store.first_seen["ebay-us"] = kNow - 1'000;
  auto before_first_seen = e.Import(e.EbayRefund(500, 5'000));
  REQUIRE(before_first_seen);
  CHECK(SkippedForCutover(*before_first_seen));
}

TEST_CASE("Processor: auto_post false keeps a refund imported until an operator posts it", "[rules]") {
  Engine e;
  e.config.accounts[0].auto_post = false;
  auto imported = e.Import(e.EbayRefund(1500));
  REQUIRE(imported);
  CHECK(imported->status == TxStatus::kImported);
  CHECK(e.ledger.Count("context") == 0);
  auto posted = e.processor.Post(e.ebay_account(), *imported, e.store);
  REQUIRE(posted);
  CHECK(posted->status == TxStatus::kPosted);
}

TEST_CASE("Processor: invalid_amount is never posted, never retried, never skipped as no money", "[rules]") {
  Engine e;
  auto negative = e.Import(e.EbayRefund(-100));
  REQUIRE(negative);
  CHECK(negative->status == TxStatus::kFailed);
  CHECK(ErrorCode(*negative) == "invalid_amount");

  Transaction unknown_currency = e.EbayRefund(100);
  unknown_currency.amount.currency = "XYZ";
  auto unknown = e.Import(unknown_currency);
  REQUIRE(unknown);
  CHECK(ErrorCode(*unknown) == "invalid_amount");

  Transaction unparsable = e.EbayRefund(0);
  unparsable.error = Error{"invalid_amount", "\"12.345\" is more precise than USD"};
  auto refused = e.Import(unparsable);
  REQUIRE(refused);
  CHECK(refused->status == TxStatus::kFailed);
  CHECK(refused->error->message.find("12.345") != std::string::npos);

  auto zero = e.Import(e.EbayRefund(0));
  REQUIRE(zero);
  CHECK(zero->status == TxStatus::kSkipped);
  CHECK(LastNote(*zero).find("no money was refunded") != std::string::npos);

  CHECK(e.ledger.Count("context") == 0);
  CHECK(e.store.retries.empty());
  CHECK(e.store.dead_letters.empty());
}

TEST_CASE("Processor: upstream_unavailable is retried with back-off, honouring Retry-After, then dead-lettered",
          "[rules]") {
  Engine e;
  e.config.worker_backoff_initial = std::chrono::seconds(2);
  e.ledger.fail_call = "context";
  e.ledger.fail_error = Error{"upstream_unavailable", "NetSuite answered 429", 30'000};
  auto first = e.Import(e.EbayRefund(1500));
  REQUIRE(first);
  CHECK(first->status == TxStatus::kFailed);
  CHECK(ErrorCode(*first) == "upstream_unavailable");
  CHECK(first->attempts == 1);
  REQUIRE(e.store.retries.count(first->id));
  CHECK(e.store.retries[first->id] >= kNow + 30'000);  // Retry-After outweighs the 1-2 s back-off
  CHECK(LastNote(*first).find("attempt 1, retry at") != std::string::npos);

  REQUIRE(e.processor.Retry(first->id, e.store));
  REQUIRE(e.processor.Retry(first->id, e.store));
  const Transaction& last = e.store.transactions.at(first->id);
  CHECK(last.attempts == 3);
  CHECK(LastNote(last).find("last attempt 3") != std::string::npos);
  REQUIRE(e.store.dead_letters.size() == 1);
  CHECK(e.store.dead_letters[0].id == first->id);
  CHECK(e.store.retries.count(first->id) == 0);

  // A failure that retrying cannot fix is left for an operator at once.
  e.ledger.fail_call.clear();
  auto not_synced = e.Import([&] {
    Transaction tx = e.EbayRefund(1500);
    tx.order_id = "404";
    return tx;
  }());
  REQUIRE(not_synced);
  CHECK(ErrorCode(*not_synced) == "order_not_synced");
  CHECK(not_synced->attempts == 1);
  CHECK(e.store.retries.count(not_synced->id) == 0);
  CHECK(e.store.dead_letters.size() == 1);
}

TEST_CASE("Processor: a busy order waits for its lease without using up an attempt", "[rules]") {
  Engine e;
  e.store.HoldLease(OrderKey{"ebay-us", "100"});
  auto waiting = e.Import(e.EbayRefund(1500));
  REQUIRE(waiting);
  CHECK(waiting->status == TxStatus::kImported);
  CHECK(waiting->attempts == 0);
  CHECK(e.store.retries.at(waiting->id) == kNow + 200);
  CHECK(e.ledger.Count("context") == 0);
  e.store.ExpireLeases();
  REQUIRE(e.processor.Retry(waiting->id, e.store));
  CHECK(e.store.transactions.at(waiting->id).status == TxStatus::kPosted);
}

TEST_CASE("Processor: the store being down leaves the event to come back, with nothing posted", "[rules]") {
  Engine e;
  e.store.down = true;
  auto failed = e.Import(e.EbayRefund(1500));
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == "store_unavailable");
  CHECK(e.ledger.Count("create") == 0);
}

TEST_CASE("Processor: a NetSuite refund is posted to Shopify, a change after posting is recorded once", "[rules]") {
  Engine e;
  const std::string id = e.ledger.EnterRefund("21", Usd(1500));
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", id, "create", e.store));
  const std::string tx_id = TransactionId("shop", "netsuite:creditmemo:" + id);
  REQUIRE(e.store.transactions.count(tx_id));
  CHECK(e.store.transactions.at(tx_id).status == TxStatus::kPosted);
  CHECK(e.shopify.requests.size() == 1);

  auto known = e.processor.IsKnownNetSuiteRecord("creditmemo", id, e.store);
  REQUIRE(known);
  CHECK(*known);

  // Edited in NetSuite after posting, and the event delivered twice: one record of it, nothing reversed.
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", id, "edit", e.store, "", "evt-9"));
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", id, "edit", e.store, "", "evt-9"));
  int changes = 0;
  for (const auto& [key, tx] : e.store.transactions) {
    if (tx.source_record.find(":edit:") != std::string::npos) {
      ++changes;
      CHECK(tx.status == TxStatus::kSkipped);
      CHECK(LastNote(tx).find("changed after posting") != std::string::npos);
    }
  }
  CHECK(changes == 1);
  CHECK(e.shopify.requests.size() == 1);
}

TEST_CASE("Processor: a NetSuite refund of no synced order is a failed transaction people can see", "[rules]") {
  Engine e;
  const std::string id = e.ledger.EnterRefund("77", Usd(1500));
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", id, "create", e.store));
  const Transaction& tx = e.store.transactions.at(TransactionId("netsuite", "netsuite:creditmemo:" + id));
  CHECK(tx.status == TxStatus::kFailed);
  CHECK(ErrorCode(tx) == "no_refund_record");
  // Reconciling one account leaves it alone; NetSuite being down leaves the event to come back.
  REQUIRE(
      e.processor.HandleNetSuiteRecord("creditmemo", e.ledger.EnterRefund("77", Usd(1)), "create", e.store, "shop"));
  CHECK(e.store.transactions.size() == 1);
  e.ledger.fail_call = "read";
  auto down = e.processor.HandleNetSuiteRecord("creditmemo", id + "0", "create", e.store);
  REQUIRE_FALSE(down);
  CHECK(down.error().code == "upstream_unavailable");
}

TEST_CASE("Processor: an eBay refund still PENDING is checked again later without counting as a failure", "[rules]") {
  Engine e;
  const std::string id = e.ledger.EnterRefund("22", Usd(1500));
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", id, "create", e.store));
  const std::string tx_id = TransactionId("ebay-de", "netsuite:creditmemo:" + id);
  const Transaction& pending = e.store.transactions.at(tx_id);
  CHECK(pending.status == TxStatus::kImported);
  CHECK_FALSE(pending.error);
  CHECK(pending.target_record == "ebay:refund:R1");
  REQUIRE(e.store.retries.count(tx_id));
  e.ebay.orders["5"].refunds[0].status = "REFUNDED";
  REQUIRE(e.processor.Retry(tx_id, e.store));
  CHECK(e.store.transactions.at(tx_id).status == TxStatus::kPosted);
  CHECK(e.ebay.requests.size() == 1);
  CHECK(e.store.retries.count(tx_id) == 0);
}

TEST_CASE("Processor: the eBay refunds noted before issuing survive an unclear answer and find the refund", "[rules]") {
  Engine e;
  Error server_error("upstream_unavailable", "eBay issue_refund answered 500");
  server_error.upstream_status = 500;
  server_error.outcome_unknown = true;
  e.ebay.fail_issue = server_error;  // eBay answers 500 and shows no new refund yet
  const std::string id = e.ledger.EnterRefund("22", Usd(1500));
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", id, "create", e.store));
  const std::string tx_id = TransactionId("ebay-de", "netsuite:creditmemo:" + id);
  const Transaction& unclear = e.store.transactions.at(tx_id);
  CHECK(ErrorCode(unclear) == "upstream_unavailable");
  REQUIRE(unclear.ebay_refunds_before_issue);  // stored before the call, kept after the unclear answer
  CHECK(unclear.ebay_refunds_before_issue->empty());
  // The refund shows up later: the retry takes it as ours and issues nothing.
  e.ebay.orders["5"].refunds.push_back(EbayRefund{"R7", "REFUNDED", Usd(1500), "", "", false});
  REQUIRE(e.processor.Retry(tx_id, e.store));
  const Transaction& posted = e.store.transactions.at(tx_id);
  CHECK(posted.status == TxStatus::kPosted);
  CHECK(posted.target_record == "ebay:refund:R7");
  CHECK(e.ebay.requests.size() == 1);

  // Refused by eBay: nothing was issued, the noted ids are cleared, and the next attempt may issue.
  Error refused("upstream_rejected", "eBay issue_refund answered 400");
  refused.upstream_status = 400;
  e.ebay.fail_issue = refused;
  const std::string second = e.ledger.EnterRefund("22", Usd(500));
  REQUIRE(e.processor.HandleNetSuiteRecord("creditmemo", second, "create", e.store));
  const Transaction& rejected = e.store.transactions.at(TransactionId("ebay-de", "netsuite:creditmemo:" + second));
  CHECK(ErrorCode(rejected) == "upstream_rejected");
  CHECK_FALSE(rejected.ebay_refunds_before_issue);
}
