// The refund audit's rules (contract section 6a) through the in-memory ports: each kind of discrepancy, orders
// that agree, refunds outside the period or before the cut-over, acknowledgements.
#include "handlers/refund_audit.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "core/time.h"
#include "handlers/to_netsuite_handler.h"
#include "tests/support/fake_sync_engine.h"

namespace refundsync::testing {
namespace {

const std::int64_t kCutover = *ParseRfc3339Ms("2026-11-01T00:00:00Z");
const std::int64_t kNow = *ParseRfc3339Ms("2026-12-20T12:00:00Z");

// A Shopify order "shop-<id>" synced and billed as invoice <id>0.
void SyncShopOrder(FakeSyncEngine& engine, const std::string& id) {
  engine.ledger.SyncOrder("shop-" + id, "so" + id);
  engine.ledger.Bill("shop-" + id, "invoice", id + "0", Usd(10000), {});
}

ShopifyRefundSummary ShopRefund(const std::string& order, const std::string& refund, std::int64_t cents,
                                const std::string& processed_at = "2026-12-02T09:00:00Z") {
  return ShopifyRefundSummary{order, refund, processed_at, Usd(cents), true};
}

const Discrepancy* Find(const AuditReport& report, const std::string& order_id) {
  for (const auto& d : report.discrepancies) {
    if (d.order_id == order_id) return &d;
  }
  return nullptr;
}

AuditReport Audit(FakeSyncEngine& engine, const std::string& account_id) {
  const AccountConfig& account = *engine.config.FindAccount(account_id);
  RefundAudit audit(engine.ledger, engine.clock);
  RefundAudit::Storefront storefront;
  if (account.channel == Channel::kShopify) storefront.shopify = &engine.shopify;
  if (account.channel == Channel::kEbay) storefront.ebay = &engine.ebay;
  auto period = MakeAuditPeriod("2026-12-01", "2026-12-31", "UTC", kNow);
  REQUIRE(period);
  auto report = audit.Run(account, storefront, *period, engine.store);
  REQUIRE(report);
  return *report;
}

}  // namespace

TEST_CASE("Audit: each kind of discrepancy is found with its amounts, and orders that agree are not listed",
          "[audit][rules]") {
  FakeSyncEngine engine(ThreeDirectedAccounts(kCutover), kNow);
  for (const char* id : {"1", "2", "3", "4", "5", "6", "7", "8"}) SyncShopOrder(engine, id);
  // 1 agrees; 2 is missing in NetSuite; 3 only in NetSuite; 4 differs; 5 is booked twice; 6 waits to be posted;
  // 7's refunds are before the cut-over or before the period; 8 agrees, part of it refunded through a return.
  engine.shopify.refund_summaries = {ShopRefund("1", "101", 2000),
                                     ShopRefund("2", "201", 1500),
                                     ShopRefund("4", "401", 3000),
                                     ShopRefund("5", "501", 1000),
                                     ShopRefund("6", "601", 1200),
                                     ShopRefund("7", "701", 900, "2026-10-15T10:00:00Z"),
                                     ShopRefund("7", "702", 800, "2026-11-30T23:59:59Z"),
                                     ShopRefund("8", "801", 1100),
                                     ShopifyRefundSummary{"1", "102", "2026-12-03T09:00:00Z", Money{}, true}};
  engine.ledger.EnterRefund("10", Usd(2000));
  engine.ledger.EnterRefund("30", Usd(700), "goodwill, booked by hand");
  engine.ledger.EnterRefund("40", Usd(2500));
  engine.ledger.EnterRefund("80", Usd(600));
  engine.ledger.EnterReturnRefund("shop-8", Usd(500));
  const std::string marker = "rs-" + TransactionId("shop", "netsuite:creditmemo:1");
  engine.ledger.EnterRefund("50", Usd(1000), marker);
  engine.ledger.EnterRefund("50", Usd(1000), marker + " (copied)");
  Transaction waiting;
  waiting.id = TransactionId("shop", "netsuite:creditmemo:66");
  waiting.account = "shop";
  waiting.order_id = "6";
  waiting.status = TxStatus::kFailed;
  waiting.error = Error{"upstream_unavailable", "Shopify answered 503"};
  waiting.updated_ms = kNow;
  REQUIRE(engine.store.CreateIfAbsent(waiting));

  const AuditReport report = Audit(engine, "shop");
  CHECK(report.orders_compared == 7);  // 1 to 6 and 8; 7's refunds are out
  CHECK(report.discrepancies.size() == 5);
  CHECK(Find(report, "1") == nullptr);
  CHECK(Find(report, "7") == nullptr);
  CHECK(Find(report, "8") == nullptr);

  const Discrepancy* missing = Find(report, "2");
  REQUIRE(missing != nullptr);
  CHECK(missing->kind == DiscrepancyKind::kMissingInNetSuite);
  CHECK(missing->storefront_refunded == Usd(1500));
  CHECK(missing->netsuite_refunded == Usd(0));
  CHECK(missing->difference == 1500);

  const Discrepancy* only_netsuite = Find(report, "3");
  REQUIRE(only_netsuite != nullptr);
  CHECK(only_netsuite->kind == DiscrepancyKind::kMissingOnStorefront);
  CHECK(only_netsuite->difference == -700);
  CHECK(only_netsuite->detail.find("netsuite:creditmemo:") != std::string::npos);

  const Discrepancy* differs = Find(report, "4");
  REQUIRE(differs != nullptr);
  CHECK(differs->kind == DiscrepancyKind::kAmountDiffers);
  CHECK(differs->storefront_refunded == Usd(3000));
  CHECK(differs->netsuite_refunded == Usd(2500));

  const Discrepancy* duplicate = Find(report, "5");
  REQUIRE(duplicate != nullptr);
  CHECK(duplicate->kind == DiscrepancyKind::kDuplicate);
  CHECK(duplicate->netsuite_refunded == Usd(2000));
  CHECK(duplicate->transactions == std::vector<std::string>{TransactionId("shop", "netsuite:creditmemo:1")});

  const Discrepancy* unposted = Find(report, "6");
  REQUIRE(unposted != nullptr);
  CHECK(unposted->kind == DiscrepancyKind::kUnposted);
  CHECK(unposted->transactions == std::vector<std::string>{waiting.id});
  CHECK(unposted->detail.find("upstream_unavailable") != std::string::npos);
  CHECK(report.Unacknowledged() == 5);
}

TEST_CASE("Audit: an acknowledgement holds while the order's difference stays what it was", "[audit][rules]") {
  FakeSyncEngine engine(ThreeDirectedAccounts(kCutover), kNow);
  SyncShopOrder(engine, "4");
  engine.shopify.refund_summaries = {ShopRefund("4", "401", 3000)};
  engine.ledger.EnterRefund("40", Usd(2500));
  REQUIRE(engine.store.SaveAcknowledgement("shop", "4", ToJson(AuditAcknowledgement{"4", 500, "restocking fee", 1})));
  AuditReport report = Audit(engine, "shop");
  REQUIRE(report.discrepancies.size() == 1);
  CHECK(report.discrepancies[0].acknowledged);
  CHECK(report.discrepancies[0].acknowledgement == "restocking fee");
  CHECK(report.Unacknowledged() == 0);

  engine.ledger.EnterRefund("40", Usd(100));  // the difference changes: the acknowledgement no longer covers it
  report = Audit(engine, "shop");
  REQUIRE(report.discrepancies.size() == 1);
  CHECK_FALSE(report.discrepancies[0].acknowledged);
  CHECK(report.Unacknowledged() == 1);
}

TEST_CASE("Audit: eBay counts REFUNDED order refunds and line refunds with an amount, in the period",
          "[audit][rules]") {
  FakeSyncEngine engine(ThreeDirectedAccounts(kCutover), kNow);
  engine.ledger.SyncOrder("ebay-100", "10");
  engine.ledger.Bill("ebay-100", "cashSale", "20", Usd(5500), {});
  EbayOrder order{"100", "", "USD", Usd(5500), {}, {}};
  order.refunds = {EbayRefund{"R1", "REFUNDED", Usd(1000), "2026-12-05T10:00:00.000Z", "", false},
                   EbayRefund{"R2", "PENDING", Usd(400), "2026-12-06T10:00:00.000Z", "", false},
                   EbayRefund{"R3", "REFUNDED", Usd(300), "2027-01-02T10:00:00.000Z", "", false}};
  EbayLineItem line;
  line.line_item_id = "L1";
  line.refunds = {EbayRefund{"R4", "", Usd(250), "2026-12-07T10:00:00.000Z", "", false},
                  EbayRefund{"R5", "", Money{}, "2026-12-08T10:00:00.000Z", "", true}};
  order.line_items = {line};
  engine.ebay.orders["100"] = order;
  engine.ledger.EnterRefund("20", Usd(1000));

  const AuditReport report = Audit(engine, "ebay-us");
  REQUIRE(report.discrepancies.size() == 1);
  const Discrepancy& d = report.discrepancies[0];
  CHECK(d.kind == DiscrepancyKind::kAmountDiffers);
  CHECK(d.storefront_refunded == Usd(1250));  // R1 and R4: R2 pending, R3 after the period, R5 not due yet
  CHECK(d.netsuite_refunded == Usd(1000));
}

TEST_CASE("Audit: a refund listed twice counts once, one with more transactions than listed is read whole",
          "[audit][rules]") {
  FakeSyncEngine engine(ThreeDirectedAccounts(kCutover), kNow);
  SyncShopOrder(engine, "8");
  ShopifyRefundSummary partial = ShopRefund("8", "802", 100);
  partial.transactions_complete = false;  // its listing showed 1.00 of what went back
  engine.shopify.refund_summaries = {ShopRefund("8", "801", 2000), ShopRefund("8", "801", 2000), partial};
  ShopifyRefundRecord whole;
  whole.order_id = "8";
  whole.refund_id = "802";
  whole.money = RefundMoney::kSent;
  whole.amount = Usd(700);
  engine.shopify.refund_records["802"] = whole;
  engine.ledger.EnterRefund("80", Usd(2700));
  const AuditReport report = Audit(engine, "shop");
  CHECK(report.orders_compared == 1);
  CHECK(report.discrepancies.empty());  // 20.00 once, plus 7.00 read whole: 27.00 on both sides
}

TEST_CASE("Audit: progress is told after each page of storefront orders, then per stage", "[audit][rules]") {
  FakeSyncEngine engine(ThreeDirectedAccounts(kCutover), kNow);
  for (const char* id : {"201", "202", "203", "204", "205"}) {
    engine.ebay.orders[id] = EbayOrder{id, "", "USD", Usd(1000), {}, {}};
  }
  engine.ebay.listing_page_size = 2;
  const AccountConfig& account = *engine.config.FindAccount("ebay-us");
  RefundAudit audit(engine.ledger, engine.clock);
  RefundAudit::Storefront storefront;
  storefront.ebay = &engine.ebay;
  auto period = MakeAuditPeriod("2026-12-01", "2026-12-31", "UTC", kNow);
  REQUIRE(period);
  std::vector<std::string> told;
  auto report = audit.Run(account, storefront, *period, engine.store, [&](const AuditProgress& progress) {
    told.push_back(progress.stage + " " + std::to_string(progress.orders_read));
  });
  REQUIRE(report);
  CHECK(told == std::vector<std::string>{"storefront 0", "storefront 2", "storefront 4", "storefront 5", "netsuite 5",
                                         "transactions 0", "done 0"});
}

TEST_CASE("Audit periods are whole days in the audit's time zone", "[audit]") {
  const auto berlin = MakeAuditPeriod("2026-12-01", "2026-12-31", "Europe/Berlin", kNow);
  REQUIRE(berlin);
  CHECK(berlin->start_ms == *ParseRfc3339Ms("2026-11-30T23:00:00Z"));
  CHECK(berlin->end_ms == *ParseRfc3339Ms("2026-12-31T23:00:00Z"));
  const auto today = MakeAuditPeriod("2026-12-01", "", "UTC", kNow);
  REQUIRE(today);
  CHECK(today->to == "2026-12-20");
  const auto months = PreviousAndCurrentMonth("America/New_York", *ParseRfc3339Ms("2027-01-01T03:00:00Z"));
  REQUIRE(months);
  CHECK(months->from == "2026-11-01");  // still 31 December in New York
  CHECK(months->to == "2026-12-31");
  CHECK_FALSE(MakeAuditPeriod("2026-12-31", "2026-12-01", "UTC", kNow));
  CHECK_FALSE(MakeAuditPeriod("2026-13-01", "", "UTC", kNow));
  CHECK_FALSE(MakeAuditPeriod("2026-12-01", "", "Mars/Olympus", kNow));
}

TEST_CASE("A stored audit report reads back as written", "[audit]") {
  AuditReport report;
  report.id = "audit-1";
  report.account = "shop";
  report.from = "2026-12-01";
  report.to = "2026-12-31";
  report.timezone = "UTC";
  report.orders_compared = 3;
  report.discrepancies = {
      Discrepancy{"4", Usd(3000), Usd(2500), 500, DiscrepancyKind::kAmountDiffers, {"tx_1"}, "differs", true, "fee"}};
  auto back = AuditReportFromJson(ToJson(report));
  REQUIRE(back);
  CHECK(back->orders_compared == 3);
  REQUIRE(back->discrepancies.size() == 1);
  CHECK(back->discrepancies[0].difference == 500);
  CHECK(back->discrepancies[0].kind == DiscrepancyKind::kAmountDiffers);
  CHECK(back->discrepancies[0].transactions == std::vector<std::string>{"tx_1"});
  CHECK(back->discrepancies[0].acknowledged);
  CHECK(ToJson(*back) == ToJson(report));
  CHECK(ToJson(report).find(R"("difference_decimal":"5.00")") != std::string::npos);
}

}  // namespace refundsync::testing
