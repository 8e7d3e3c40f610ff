// The rules of a refund to NetSuite (ToNetSuiteHandler), through an in-memory NetSuite: which record is created from
// which billed record, to the cent, and every way it fails (contract section 6), with no process and no network.
#include <catch2/catch.hpp>
#include <limits>
#include <map>

#include "handlers/to_netsuite_handler.h"
#include "store/memory_sync_store.h"
#include "tests/support/fake_netsuite_ledger.h"
#include "tests/support/refund_scenes.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;

RefundLine Refunded(const std::string& sku, std::int64_t quantity, std::optional<std::int64_t> subtotal = std::nullopt,
                    std::optional<std::int64_t> tax = std::nullopt) {
  RefundLine line;
  line.sku = sku;
  line.quantity = quantity;
  if (subtotal) line.subtotal = Usd(*subtotal);
  if (tax) line.tax = Usd(*tax);
  return line;
}

// An eBay account whose orders are synced as "ebay-<order id>"; order 100 has sales order 10, billed as cash
// sale 20 (two mugs at 15.00, a shirt at 25.00: 55.00).
struct ToNetSuite {
  ToNetSuite() {
    account.id = "ebay-us";
    account.channel = Channel::kEbay;
    account.direction = Direction::kToNetSuite;
    account.order_external_id = "ebay-{order_id}";
    ledger.SyncOrder("ebay-100", "10");
    ledger.Bill("ebay-100", "cashSale", "20", Usd(5500), {Item("301", "MUG", 2, 3000), Item("302", "SHIRT", 1, 2500)});
  }

  Transaction Refund(std::int64_t cents, std::vector<RefundLine> lines = {}, const std::string& order = "100") {
    Transaction tx;
    tx.account = account.id;
    tx.direction = "to_netsuite";
    tx.source_record = "ebay:refund:R" + std::to_string(++refunds);
    tx.id = TransactionId(tx.account, tx.source_record);
    tx.order_id = order;
    tx.amount = Usd(cents);
    tx.lines = std::move(lines);
    return tx;
  }

  PostOutcome Post(const Transaction& tx) { return handler.Post(account, tx, facts); }

  AccountConfig account;
  NetSuiteConfig netsuite;
  FakeNetSuiteLedger ledger;
  FixedClock clock{kNow};
  MemorySyncStore facts;  // its facts role
  ToNetSuiteHandler handler{netsuite, ledger, clock};
  int refunds = 0;
};

std::string Code(const PostOutcome& outcome) { return outcome.error ? outcome.error->code : std::string(); }

// A create NetSuite did not answer, as the client reports it.
Error Unanswered() {
  Error error("upstream_unavailable", std::string(kOutcomeUnknown) + "no answer in 20 s");
  error.outcome_unknown = true;
  return error;
}

}  // namespace

TEST_CASE("To NetSuite: a cash refund from the cash sale, lines by SKU, our marker in the memo, three calls",
          "[rules]") {
  ToNetSuite t;
  const Transaction tx = t.Refund(1500, {Refunded("MUG", 1)});
  const PostOutcome outcome = t.Post(tx);
  REQUIRE(outcome.status == TxStatus::kPosted);
  CHECK(outcome.sales_order == "10");
  CHECK(outcome.billed_record == "cashSale:20");
  const auto created = t.ledger.RefundsFrom("20");
  REQUIRE(created.size() == 1);
  CHECK(outcome.target_record == "netsuite:cashrefund:" + created[0]->id);
  CHECK(created[0]->type == "cashRefund");
  CHECK(created[0]->memo.find(ToNetSuiteHandler::Marker(tx)) != std::string::npos);
  REQUIRE(created[0]->lines.size() == 1);
  CHECK(created[0]->lines[0].item_id == "301");
  CHECK(created[0]->lines[0].quantity == 1);
  CHECK(created[0]->lines[0].amount == Usd(1500));  // the unit price of the billed line
  CHECK(t.ledger.Count("context") + t.ledger.Count("create") + t.ledger.Count("read_total") == 3);
  CHECK(t.ledger.Count("add_line") == 0);
}

TEST_CASE("To NetSuite: an invoiced order gets a credit memo", "[rules]") {
  ToNetSuite t;
  t.ledger.SyncOrder("ebay-200", "11");
  t.ledger.Bill("ebay-200", "invoice", "21", Usd(2500), {Item("302", "SHIRT", 1, 2500)});
  const PostOutcome outcome = t.Post(t.Refund(2500, {Refunded("SHIRT", 1)}, "200"));
  REQUIRE(outcome.status == TxStatus::kPosted);
  CHECK(outcome.target_record.rfind("netsuite:creditmemo:", 0) == 0);
  CHECK(outcome.billed_record == "invoice:21");
}

TEST_CASE("To NetSuite: order_not_synced and order_not_billed, with nothing created", "[rules]") {
  ToNetSuite t;
  const PostOutcome never = t.Post(t.Refund(1500, {}, "999"));
  CHECK(Code(never) == "order_not_synced");
  CHECK(never.error->message.find("was not previously synced to NetSuite") != std::string::npos);
  CHECK(never.error->message.find("ebay-999") != std::string::npos);

  t.ledger.SyncOrder("ebay-300", "12");
  const PostOutcome unbilled = t.Post(t.Refund(1500, {}, "300"));
  CHECK(Code(unbilled) == "order_not_billed");
  CHECK(unbilled.sales_order == "12");

  // An order id that cannot be an external id never reaches NetSuite.
  const PostOutcome malformed = t.Post(t.Refund(1500, {}, "1 OR 1=1"));
  CHECK(Code(malformed) == "order_not_synced");
  CHECK(t.ledger.Count("context") == 2);
  CHECK(t.ledger.Count("create") == 0);
}

TEST_CASE("To NetSuite: already_refunded counts refunds issued through a return authorization", "[rules]") {
  ToNetSuite t;
  t.netsuite.generic_items.adjustment = "999";
  t.ledger.EnterReturnRefund("ebay-100", Usd(5000));  // billed 55.00
  const PostOutcome outcome = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  CHECK(Code(outcome) == "already_refunded");
  CHECK(outcome.error->message.find("5.00 that remain refundable") != std::string::npos);
  CHECK(t.ledger.Count("create") == 0);
  CHECK(t.Post(t.Refund(500)).status == TxStatus::kPosted);
}

TEST_CASE("To NetSuite: already_refunded counts refunds entered by hand", "[rules]") {
  ToNetSuite t;
  t.ledger.EnterRefund("20", Usd(5000), "entered by a person");
  const PostOutcome outcome = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  CHECK(Code(outcome) == "already_refunded");
  CHECK(outcome.error->message.find("5.00 that remain refundable") != std::string::npos);
  CHECK(t.ledger.Count("create") == 0);
  // What remains can still be refunded.
  CHECK(Code(t.Post(t.Refund(500))) == "unknown_line_item");  // 5.00 tied to no item, and no adjustment item
  t.netsuite.generic_items.adjustment = "999";
  CHECK(t.Post(t.Refund(500)).status == TxStatus::kPosted);
}

TEST_CASE("To NetSuite: unknown_line_item for an unknown SKU and for generic items not configured", "[rules]") {
  ToNetSuite t;
  CHECK(Code(t.Post(t.Refund(1500, {Refunded("HAT", 1)}))) == "unknown_line_item");
  Transaction shipping = t.Refund(2000, {Refunded("MUG", 1)});
  shipping.shipping = Usd(500);
  const PostOutcome no_shipping_item = t.Post(shipping);
  CHECK(Code(no_shipping_item) == "unknown_line_item");
  CHECK(no_shipping_item.error->message.find("generic_items.shipping") != std::string::npos);
  const PostOutcome no_adjustment_item = t.Post(t.Refund(1000));
  CHECK(Code(no_adjustment_item) == "unknown_line_item");
  CHECK(no_adjustment_item.error->message.find("generic_items.adjustment") != std::string::npos);
  CHECK(t.ledger.Count("create") == 0);

  // Configured: shipping and the untied rest become lines of their generic items.
  t.netsuite.generic_items.shipping = "900";
  t.netsuite.generic_items.adjustment = "999";
  Transaction both = t.Refund(2300, {Refunded("MUG", 1)});
  both.shipping = Usd(500);
  REQUIRE(t.Post(both).status == TxStatus::kPosted);
  const auto created = t.ledger.RefundsFrom("20");
  REQUIRE(created.size() == 1);
  REQUIRE(created[0]->lines.size() == 3);
  CHECK(created[0]->lines[1].item_id == "900");
  CHECK(created[0]->lines[1].amount == Usd(500));
  CHECK(created[0]->lines[2].item_id == "999");
  CHECK(created[0]->lines[2].amount == Usd(300));
}

TEST_CASE("To NetSuite: amount_mismatch for another currency, for lines above the refund, for a recomputed total",
          "[rules]") {
  ToNetSuite t;
  Transaction euros = t.Refund(1500, {Refunded("MUG", 1)});
  euros.amount.currency = "EUR";
  CHECK(Code(t.Post(euros)) == "amount_mismatch");
  CHECK(Code(t.Post(t.Refund(1000, {Refunded("MUG", 1)}))) == "amount_mismatch");  // 15.00 of lines, 10.00 refunded
  CHECK(t.ledger.Count("create") == 0);

  // NetSuite adds 1.20 of tax to the record: without an adjustment item people must correct it.
  t.ledger.recomputed_tax = 120;
  const PostOutcome differs = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  CHECK(Code(differs) == "amount_mismatch");
  CHECK(differs.error->message.find("NetSuite computed a total of 16.20") != std::string::npos);
}

TEST_CASE("To NetSuite: a recomputed total is settled with one adjustment line, read back to the cent", "[rules]") {
  ToNetSuite t;
  t.netsuite.generic_items.adjustment = "999";
  t.ledger.recomputed_tax = 120;
  const PostOutcome outcome = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  REQUIRE(outcome.status == TxStatus::kPosted);
  CHECK(outcome.note.find("adjusted by -1.20") != std::string::npos);
  const auto created = t.ledger.RefundsFrom("20");
  REQUIRE(created.size() == 1);
  CHECK(created[0]->total == Usd(1500));
  CHECK(created[0]->lines.back().item_id == "999");
  CHECK(t.ledger.Count("add_line") == 1);
}

TEST_CASE("To NetSuite: a second attempt finds our record by its marker and creates nothing", "[rules]") {
  ToNetSuite t;
  const Transaction tx = t.Refund(1500, {Refunded("MUG", 1)});
  REQUIRE(t.Post(tx).status == TxStatus::kPosted);
  const PostOutcome again = t.Post(tx);
  REQUIRE(again.status == TxStatus::kPosted);
  CHECK(again.note.find("found the record an earlier attempt created") != std::string::npos);
  CHECK(t.ledger.RefundsFrom("20").size() == 1);
  CHECK(t.ledger.Count("create") == 1);
}

TEST_CASE("To NetSuite: an earlier attempt's record left unadjusted is finished, never made twice", "[rules]") {
  ToNetSuite t;
  t.ledger.recomputed_tax = 120;
  const Transaction tx = t.Refund(1500, {Refunded("MUG", 1)});
  CHECK(Code(t.Post(tx)) == "amount_mismatch");  // no adjustment item yet
  t.netsuite.generic_items.adjustment = "999";
  const PostOutcome finished = t.Post(tx);
  REQUIRE(finished.status == TxStatus::kPosted);
  CHECK(finished.note.find("finished the record an earlier attempt created") != std::string::npos);
  CHECK(t.ledger.RefundsFrom("20").size() == 1);
  CHECK(t.ledger.RefundsFrom("20")[0]->total == Usd(1500));
  // Adjusted once: a record that already has an adjustment line is not ours to adjust again.
  REQUIRE(t.ledger.AddLine("cashRefund", t.ledger.RefundsFrom("20")[0]->id, NewRefundLine{"999", 1, Usd(1)}));
  CHECK(Code(t.Post(tx)) == "amount_mismatch");
  CHECK(t.ledger.Count("add_line") == 2);  // ours once, the test's once
}

TEST_CASE("To NetSuite: a create whose answer was lost is found by its marker", "[rules]") {
  ToNetSuite t;
  t.ledger.fail_create = Unanswered();
  t.ledger.create_anyway = true;
  const PostOutcome outcome = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  REQUIRE(outcome.status == TxStatus::kPosted);
  CHECK(outcome.note.find("holds our record") != std::string::npos);
  CHECK(t.ledger.RefundsFrom("20").size() == 1);
}

TEST_CASE("To NetSuite: after an unanswered create nothing is created again for ten minutes", "[rules]") {
  ToNetSuite t;
  t.ledger.fail_create = Unanswered();
  const Transaction tx = t.Refund(1500, {Refunded("MUG", 1)});
  const PostOutcome first = t.Post(tx);
  CHECK(Code(first) == "upstream_unavailable");
  CHECK(t.ledger.RefundsFrom("20").empty());

  t.clock.Set(kNow + 60'000);
  const PostOutcome quiet = t.Post(tx);
  CHECK(Code(quiet) == "upstream_unavailable");
  CHECK(quiet.error->retry_after_ms == ToNetSuiteHandler::kUnansweredCreateQuietMs - 60'000);
  CHECK(t.ledger.Count("create") == 1);

  t.clock.Set(kNow + ToNetSuiteHandler::kUnansweredCreateQuietMs);
  CHECK(t.Post(tx).status == TxStatus::kPosted);
  CHECK(t.ledger.Count("create") == 2);
  CHECK(t.ledger.RefundsFrom("20").size() == 1);
}

TEST_CASE("To NetSuite: upstream errors keep their code and Retry-After, a refused create is not retried", "[rules]") {
  ToNetSuite t;
  t.ledger.fail_call = "context";
  t.ledger.fail_error = Error{"upstream_unavailable", "NetSuite answered 429", 7'000};
  const PostOutcome throttled = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  CHECK(Code(throttled) == "upstream_unavailable");
  CHECK(throttled.error->retry_after_ms == 7'000);
  CHECK(IsRetryable(*throttled.error));

  t.ledger.fail_call.clear();
  t.ledger.fail_create = Error{"upstream_rejected", "NetSuite answered 400: INVALID_FLD_VALUE"};
  const PostOutcome refused = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  CHECK(Code(refused) == "upstream_rejected");
  CHECK(refused.error->message.find("INVALID_FLD_VALUE") != std::string::npos);
  CHECK_FALSE(IsRetryable(*refused.error));

  // Created, but its total cannot be read back: retried (the retry finds it by its marker), never adjusted blind.
  t.netsuite.generic_items.adjustment = "999";
  t.ledger.fail_call = "read_total";
  const PostOutcome unread = t.Post(t.Refund(1500, {Refunded("MUG", 1)}));
  CHECK(Code(unread) == "upstream_unavailable");
  CHECK(t.ledger.Count("add_line") == 0);
}

TEST_CASE("To NetSuite: a refund on the billed record whose total is no amount is refused, not guessed", "[rules]") {
  ToNetSuite t;
  // The fake keeps totals as money; an unreadable one is what the SuiteQL reader reports as nullopt.
  struct UnreadableTotals : FakeNetSuiteLedger {
    Result<RefundContext> LoadRefundContext(const std::string& external_id) override {
      auto context = FakeNetSuiteLedger::LoadRefundContext(external_id);
      if (context) {
        for (auto& refund : context->refunds) refund.total.reset();
      }
      return context;
    }
  };
  UnreadableTotals ledger;
  ledger.SyncOrder("ebay-100", "10");
  ledger.Bill("ebay-100", "cashSale", "20", Usd(5500), {Item("301", "MUG", 2, 3000)});
  ledger.EnterRefund("20", Usd(100));
  ToNetSuiteHandler handler(t.netsuite, ledger, t.clock);
  const PostOutcome outcome = handler.Post(t.account, t.Refund(1500, {Refunded("MUG", 1)}), t.facts);
  CHECK(Code(outcome) == "upstream_rejected");
  CHECK(outcome.error->message.find("what remains refundable is unknown") != std::string::npos);
  CHECK(ledger.Count("create") == 0);
}

TEST_CASE("To NetSuite: invalid_amount when lines overflow the integer range", "[rules]") {
  ToNetSuite t;
  const PostOutcome outcome = t.Post(t.Refund(1500, {Refunded("MUG", std::numeric_limits<std::int64_t>::max() / 100)}));
  CHECK(Code(outcome) == "invalid_amount");
  CHECK(t.ledger.Count("create") == 0);
}
