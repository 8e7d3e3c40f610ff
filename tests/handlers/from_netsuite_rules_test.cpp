// The rules of a refund from NetSuite (FromNetSuiteHandler): a NetSuite cash refund or credit memo traced back to its
// storefront order, then posted to Shopify or eBay exactly once, through in-memory NetSuite, Shopify and eBay.
#include <catch2/catch.hpp>

#include "handlers/from_netsuite_handler.h"
#include "tests/support/fake_netsuite_ledger.h"
#include "tests/support/fake_storefronts.h"
#include "tests/support/refund_scenes.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;

// Shopify account "shop" (orders synced as "shop-<id>") and eBay account "ebay-de" ("ebde-<id>"). NetSuite holds
// Shopify order 1001 (sales order 10, cash sale 20) and eBay order 12-345 (sales order 11, invoice 21); Shopify's
// order 1001 has two mugs at 15.00 and a shirt at 25.00, paid 55.00; eBay's order totals 55.00.
struct FromNetSuite {
  FromNetSuite() {
    config.accounts = {Account("shop", Channel::kShopify, Direction::kFromNetSuite, "shop-{order_id}"),
                       Account("ebay-de", Channel::kEbay, Direction::kFromNetSuite, "ebde-{order_id}")};
    ledger.SyncOrder("shop-1001", "10");
    ledger.Bill("shop-1001", "cashSale", "20", Usd(5500), {Item("301", "MUG", 2, 3000), Item("302", "SHIRT", 1, 2500)});
    ledger.SyncOrder("ebde-12-345", "11");
    ledger.Bill("ebde-12-345", "invoice", "21", Usd(5500), {Item("301", "MUG", 2, 3000)});
    ShopifyOrder order;
    order.id = "gid://shopify/Order/1001";
    order.currency = "USD";
    order.refunded = Usd(0);
    order.line_items = {{"gid://shopify/LineItem/1", "MUG", 2, 2}, {"gid://shopify/LineItem/2", "SHIRT", 1, 1}};
    order.transactions = {{"gid://shopify/OrderTransaction/7", "SALE", "SUCCESS", "shopify_payments", Usd(5500)}};
    shopify.orders["1001"] = order;
    EbayOrder ebay_order;
    ebay_order.order_id = "12-345";
    ebay_order.currency = "USD";
    ebay_order.total = Usd(5500);
    ebay.orders["12-345"] = ebay_order;
  }

  // A refund entered in NetSuite from a billed record and read back to its transaction.
  Transaction Entered(const std::string& billed_id, std::int64_t cents, std::vector<NsLine> lines = {}) {
    const std::string id = ledger.EnterRefund(billed_id, Usd(cents), "", std::move(lines));
    auto resolved = handler.Resolve(RecordName(ledger.Refund(id)->type), id, kNow);
    REQUIRE(resolved);
    return resolved->tx;
  }

  PostOutcome Post(const Transaction& tx) {
    return handler.Post(*config.FindAccount(tx.account), tx, [this](const std::vector<std::string>& refunds_before) {
      notes.push_back(refunds_before);
      return notes_stored;
    });
  }

  Config config;
  FakeNetSuiteLedger ledger;
  FakeShopify shopify;
  FakeEbay ebay;
  FromNetSuiteHandler handler{config, ledger, {{"shop", &shopify}}, {{"ebay-de", &ebay}}};
  std::vector<std::vector<std::string>> notes;  // the order's refund ids noted before each irreversible call
  bool notes_stored = true;
};

std::string Code(const PostOutcome& outcome) { return outcome.error ? outcome.error->code : std::string(); }

// An error as the eBay client reports an answer: its code, HTTP status and eBay errorId (0: none).
Error EbayAnswered(int status, std::int64_t error_id = 0) {
  Error error(status == 429 || status >= 500 || error_id == kEbayRefundInProgress ? "upstream_unavailable"
                                                                                  : "upstream_rejected",
              "eBay issue_refund answered " + std::to_string(status));
  error.upstream_status = status;
  error.vendor_error = error_id;
  error.outcome_unknown = status >= 500;
  return error;
}

}  // namespace

TEST_CASE("From NetSuite: a refund record is traced to its account, order, sales order and billed record", "[rules]") {
  FromNetSuite t;
  const std::string id = t.ledger.EnterRefund("20", Usd(1500), "", {Item("301", "MUG", 1, 1500)});
  auto resolved = t.handler.Resolve("cashrefund", id, kNow);
  REQUIRE(resolved);
  CHECK(resolved->account->id == "shop");
  const Transaction& tx = resolved->tx;
  CHECK(tx.direction == "from_netsuite");
  CHECK(tx.source_record == "netsuite:cashrefund:" + id);
  CHECK(tx.id == TransactionId("shop", tx.source_record));
  CHECK(tx.order_id == "1001");
  CHECK(tx.sales_order == "10");
  CHECK(tx.billed_record == "cashSale:20");
  CHECK(tx.amount == Usd(1500));
  REQUIRE(tx.lines.size() == 1);
  CHECK(tx.lines[0].sku == "MUG");
  CHECK(tx.status == TxStatus::kImported);
  CHECK(t.ledger.Count("read") + t.ledger.Count("origin") == 2);
}

TEST_CASE("From NetSuite: no_refund_record, order_not_synced and invalid_amount when tracing a record", "[rules]") {
  FromNetSuite t;
  auto missing = t.handler.Resolve("creditmemo", "4242", kNow);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "no_refund_record");

  const std::string standalone = t.ledger.EnterRefund("20", Usd(100));
  t.ledger.EditRefund(standalone).created_from.clear();  // entered on its own, not from a billed record
  auto unlinked = t.handler.Resolve("cashrefund", standalone, kNow);
  REQUIRE_FALSE(unlinked);
  CHECK(unlinked.error().code == "no_refund_record");

  const std::string orphan = t.ledger.EnterRefund("77", Usd(100));  // a billed record of no synced sales order
  auto no_origin = t.handler.Resolve("creditmemo", orphan, kNow);
  REQUIRE_FALSE(no_origin);
  CHECK(no_origin.error().code == "no_refund_record");

  t.ledger.SyncOrder("amazon-9", "13");
  t.ledger.Bill("amazon-9", "invoice", "23", Usd(1000), {});
  auto foreign = t.handler.Resolve("creditmemo", t.ledger.EnterRefund("23", Usd(100)), kNow);
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().code == "order_not_synced");
  CHECK(foreign.error().message.find("amazon-9") != std::string::npos);

  const std::string odd = t.ledger.EnterRefund("20", Usd(100));
  t.ledger.EditRefund(odd).amount_error = "\"1e400\" is not an amount";
  auto unreadable = t.handler.Resolve("cashrefund", odd, kNow);
  REQUIRE(unreadable);
  REQUIRE(unreadable->tx.error);
  CHECK(unreadable->tx.error->code == "invalid_amount");

  t.ledger.fail_call = "origin";
  auto down = t.handler.Resolve("cashrefund", odd, kNow);
  REQUIRE_FALSE(down);
  CHECK(down.error().code == "upstream_unavailable");
}

TEST_CASE("From NetSuite to Shopify: one refund against the payment, found again by its note, never made twice",
          "[rules]") {
  FromNetSuite t;
  const Transaction tx = t.Entered("20", 1500, {Item("301", "MUG", 1, 1500)});
  const PostOutcome outcome = t.Post(tx);
  REQUIRE(outcome.status == TxStatus::kPosted);
  CHECK(outcome.target_record == "shopify:refund:9000");
  REQUIRE(t.shopify.requests.size() == 1);
  const ShopifyRefundRequest& request = t.shopify.requests[0];
  CHECK(request.parent_transaction == "gid://shopify/OrderTransaction/7");
  CHECK(request.gateway == "shopify_payments");
  CHECK(request.amount == Usd(1500));
  CHECK(request.note == "NetSuite " + tx.source_record);
  REQUIRE(request.lines.size() == 1);
  CHECK(request.lines[0] == std::make_pair(std::string("gid://shopify/LineItem/1"), std::int64_t{1}));
  CHECK(t.shopify.idempotency.count(ToNetSuiteHandler::Marker(tx)) == 1);

  const PostOutcome again = t.Post(tx);
  REQUIRE(again.status == TxStatus::kPosted);
  CHECK(again.target_record == "shopify:refund:9000");
  CHECK(again.note.find("made by an earlier attempt") != std::string::npos);
  CHECK(t.shopify.requests.size() == 1);
}

TEST_CASE("From NetSuite to Shopify: the gateway decides: pending is checked later, failed is upstream_rejected",
          "[rules]") {
  FromNetSuite t;
  t.shopify.new_refund_statuses = {"PENDING"};
  const Transaction tx = t.Entered("20", 1500);
  const PostOutcome pending = t.Post(tx);
  CHECK(pending.pending);
  CHECK(pending.status == TxStatus::kImported);
  CHECK(pending.target_record == "shopify:refund:9000");
  t.shopify.orders["1001"].refunds[0].refund_statuses = {"SUCCESS"};
  CHECK(t.Post(tx).status == TxStatus::kPosted);
  CHECK(t.shopify.requests.size() == 1);

  t.shopify.new_refund_statuses = {"FAILURE"};
  const PostOutcome declined = t.Post(t.Entered("20", 1000));
  CHECK(Code(declined) == "upstream_rejected");
  CHECK(declined.error->message.find("declined") != std::string::npos);

  t.shopify.new_refund_statuses = {};
  CHECK(Code(t.Post(t.Entered("20", 1000))) == "upstream_unknown");
}

TEST_CASE("From NetSuite to Shopify: amount_mismatch and unknown_line_item for what the order cannot refund",
          "[rules]") {
  FromNetSuite t;
  CHECK(Code(t.Post(t.Entered("20", 1500, {Item("309", "HAT", 1, 1500)}))) == "unknown_line_item");
  CHECK(Code(t.Post(t.Entered("20", 4500, {Item("301", "MUG", 3, 4500)}))) == "amount_mismatch");  // 2 refundable
  CHECK(Code(t.Post(t.Entered("20", 5600))) == "amount_mismatch");                                 // more than was paid
  t.shopify.orders["1001"].currency = "EUR";
  CHECK(Code(t.Post(t.Entered("20", 100))) == "amount_mismatch");
  t.shopify.orders["1001"].currency = "USD";
  t.shopify.orders["1001"].transactions.clear();
  const PostOutcome unpaid = t.Post(t.Entered("20", 100));
  CHECK(Code(unpaid) == "amount_mismatch");
  CHECK(unpaid.error->message.find("no payment") != std::string::npos);
  CHECK(t.shopify.requests.empty());
  // The generic shipping and adjustment items are money, not lines: they are in the amount.
  t.config.netsuite.generic_items.shipping = "900";
  t.shopify.orders["1001"].transactions = {
      {"gid://shopify/OrderTransaction/7", "SALE", "SUCCESS", "manual", Usd(5500)}};
  CHECK(t.Post(t.Entered("20", 2000, {Item("301", "MUG", 1, 1500), Item("900", "Shipping", 1, 500)})).status ==
        TxStatus::kPosted);
  REQUIRE(t.shopify.requests.size() == 1);
  CHECK(t.shopify.requests[0].lines.size() == 1);
}

TEST_CASE("From NetSuite to Shopify: an order Shopify does not show, and Shopify's refusals", "[rules]") {
  FromNetSuite t;
  const Transaction tx = t.Entered("20", 1500);
  Transaction elsewhere = tx;
  elsewhere.order_id = "2002";
  CHECK(Code(t.Post(elsewhere)) == "order_not_synced");
  t.shopify.scopes = {"read_orders", "write_orders"};  // without read_all_orders only 60 days of orders show
  const PostOutcome hidden = t.Post(elsewhere);
  CHECK(Code(hidden) == "upstream_rejected");
  CHECK(hidden.error->message.find("read_all_orders") != std::string::npos);

  t.shopify.fail_create = Error{"upstream_rejected", "Shopify refused the refund: Amount is invalid"};
  CHECK(Code(t.Post(tx)) == "upstream_rejected");
  t.shopify.fail_create = Error{"upstream_unavailable", "Shopify answered THROTTLED", 2'000};
  const PostOutcome throttled = t.Post(tx);
  CHECK(Code(throttled) == "upstream_unavailable");
  CHECK(t.Post(tx).status == TxStatus::kPosted);
  CHECK(t.shopify.orders["1001"].refunds.size() == 1);
}

TEST_CASE("From NetSuite to eBay: an order-level refund, followed from PENDING to REFUNDED, never issued twice",
          "[rules]") {
  FromNetSuite t;
  Transaction tx = t.Entered("21", 1500);
  CHECK(tx.account == "ebay-de");
  CHECK(tx.order_id == "12-345");
  const PostOutcome pending = t.Post(tx);
  REQUIRE(pending.pending);
  CHECK(pending.target_record == "ebay:refund:R1");
  REQUIRE(t.notes.size() == 1);  // noted before the call that cannot be undone
  CHECK(t.notes[0].empty());     // the order had no refunds then
  REQUIRE(t.ebay.requests.size() == 1);
  CHECK(t.ebay.requests[0].amount == Usd(1500));
  CHECK(t.ebay.requests[0].comment == "NetSuite " + tx.source_record);

  tx.target_record = pending.target_record;  // as the processor stores it
  t.ebay.orders["12-345"].refunds[0].status = "REFUNDED";
  CHECK(t.Post(tx).status == TxStatus::kPosted);
  t.ebay.orders["12-345"].refunds[0].status = "FAILED";
  CHECK(Code(t.Post(tx)) == "upstream_rejected");
  t.ebay.orders["12-345"].refunds.clear();
  CHECK(Code(t.Post(tx)) == "upstream_unknown");
  CHECK(t.ebay.requests.size() == 1);
}

TEST_CASE("From NetSuite to eBay: what the order can refund, and nothing sent when the note cannot be stored",
          "[rules]") {
  FromNetSuite t;
  t.ebay.orders["12-345"].refunds.push_back(EbayRefund{"R0", "REFUNDED", Usd(5000), "", "", false});
  CHECK(Code(t.Post(t.Entered("21", 1500))) == "amount_mismatch");
  t.ebay.orders["12-345"].refunds[0].status = "FAILED";  // a failed refund returned nothing
  t.notes_stored = false;
  const PostOutcome unnoted = t.Post(t.Entered("21", 1500));
  CHECK(Code(unnoted) == "upstream_unavailable");
  CHECK(unnoted.nothing_issued);
  CHECK(unnoted.error->message.find(kEbayNotIssuedNote) != std::string::npos);
  CHECK(t.ebay.requests.empty());
}

TEST_CASE("From NetSuite to eBay: unclear answers are settled by reading the order again", "[rules]") {
  FromNetSuite t;
  // Refused: nothing was issued, and the error says so, so the next attempt may issue.
  t.ebay.fail_issue = EbayAnswered(400, 34900);
  const PostOutcome refused = t.Post(t.Entered("21", 1500));
  CHECK(Code(refused) == "upstream_rejected");
  CHECK(refused.error->message.find(kEbayNotIssuedNote) != std::string::npos);
  CHECK(refused.nothing_issued);

  // Throttled with no new refund: retried, nothing issued.
  t.ebay.fail_issue = EbayAnswered(429);
  const PostOutcome throttled = t.Post(t.Entered("21", 1500));
  CHECK(Code(throttled) == "upstream_unavailable");
  CHECK(throttled.error->message.find(kEbayNotIssuedNote) != std::string::npos);
  CHECK(throttled.nothing_issued);

  // A 500 after eBay made the refund: the new refund of our amount is ours.
  t.ebay.fail_issue = EbayAnswered(500);
  t.ebay.issue_anyway = true;
  const PostOutcome made = t.Post(t.Entered("21", 1500));
  CHECK(made.pending);
  CHECK(made.target_record == "ebay:refund:R1");

  // An earlier refund still processing (34922): wait like a pending refund, without an attempt's error.
  t.ebay.issue_anyway = false;
  t.ebay.fail_issue = EbayAnswered(409, kEbayRefundInProgress);
  const PostOutcome waiting = t.Post(t.Entered("21", 1000));
  CHECK(waiting.pending);
  CHECK(waiting.note.find("34922") != std::string::npos);
  CHECK(waiting.nothing_issued);

  // A 5xx that lists 34922 may still hide our refund: never taken as "nothing issued".
  Error busy_5xx = EbayAnswered(503, kEbayRefundInProgress);
  t.ebay.fail_issue = busy_5xx;
  const PostOutcome busy = t.Post(t.Entered("21", 1000));
  CHECK_FALSE(busy.nothing_issued);
  CHECK(Code(busy) == "upstream_unavailable");

  // No answer at all and no new refund: nobody can tell; an operator looks.
  Error no_answer{"upstream_unavailable", "eBay: connection reset"};  // sent, and no answer: status 0
  no_answer.outcome_unknown = true;
  t.ebay.fail_issue = no_answer;
  CHECK(Code(t.Post(t.Entered("21", 1000))) == "upstream_unknown");

  // No token to send it with: nothing went out, so the next attempt issues.
  t.ebay.fail_issue = Error{"upstream_unavailable", "eBay token endpoint answered 503"};
  const PostOutcome no_token = t.Post(t.Entered("21", 1000));
  CHECK(Code(no_token) == "upstream_unavailable");
  CHECK(no_token.error->message.find(kEbayNotIssuedNote) != std::string::npos);
  CHECK(no_token.nothing_issued);

  // A 500 with nothing new on the order: retried, the issuing note kept, so the next attempt looks before issuing.
  t.ebay.fail_issue = EbayAnswered(500);
  const PostOutcome unclear = t.Post(t.Entered("21", 1000));
  CHECK(Code(unclear) == "upstream_unavailable");
  CHECK(unclear.error->message.find(kEbayNotIssuedNote) == std::string::npos);
  CHECK_FALSE(unclear.nothing_issued);
}

TEST_CASE("From NetSuite to eBay: an attempt that died after noting its issue finds its refund or stops", "[rules]") {
  FromNetSuite t;
  Transaction tx = t.Entered("21", 1500);
  tx.ebay_refunds_before_issue = std::vector<std::string>{"R0"};
  t.ebay.orders["12-345"].refunds.push_back(EbayRefund{"R0", "REFUNDED", Usd(700), "", "", false});
  // Nothing new of our amount: it may have been issued; never issue blind.
  CHECK(Code(t.Post(tx)) == "upstream_unknown");
  CHECK(t.ebay.requests.empty());
  t.ebay.orders["12-345"].refunds.push_back(EbayRefund{"R5", "REFUNDED", Usd(1500), "", "", false});
  const PostOutcome found = t.Post(tx);
  CHECK(found.status == TxStatus::kPosted);
  CHECK(found.target_record == "ebay:refund:R5");
  // No unfinished attempt (an attempt known to have issued nothing cleared the ids): the next one issues.
  CHECK(t.Post(t.Entered("21", 1200)).pending);
  CHECK(t.ebay.requests.size() == 1);
}
