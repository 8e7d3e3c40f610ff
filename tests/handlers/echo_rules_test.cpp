// Our own writes coming back (contract sections 1 and 6), through the in-memory NetSuite, storefronts and store:
// recognised by our marker, note or stored refund id, without reading upstream, and recorded once in the origin
// transaction's history, never as a transaction of their own; anything else against the direction is still a
// skipped transaction.
#include <catch2/catch.hpp>
#include <thread>

#include "core/time.h"
#include "handlers/refund_source.h"
#include "tests/support/fake_store_session.h"
#include "tests/support/fake_sync_engine.h"
#include "tests/support/refund_scenes.h"
#include "tests/support/wait.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;     // 2026-05-28T20:26:40Z
constexpr std::int64_t kDayAgo = kNow - 86'400'000;  // every account's cut-over

// The shared accounts and orders (tests/support/fake_sync_engine.h); echoes never wait for a lease here unless a
// test says so.
struct Scene : FakeSyncEngine {
  Scene() : FakeSyncEngine(ThreeDirectedAccounts(kDayAgo), kNow) {
    SeedThreeOrders(*this);
    processor.set_echo_lease_wait(Duration(0));
  }

  // An eBay refund of order 100 posted to NetSuite: the origin of a NetSuite record coming back.
  Transaction PostedToNetSuite() {
    Transaction tx;
    tx.account = "ebay-us";
    tx.direction = "to_netsuite";
    tx.source_record = "ebay:refund:R1";
    tx.id = TransactionId(tx.account, tx.source_record);
    tx.order_id = "100";
    tx.amount = Usd(1500);
    tx.source_created_at = FormatRfc3339Ms(kNow - 60'000);
    tx.created_ms = kNow;
    tx.Record(kNow, TxStatus::kImported, "imported");
    auto posted = processor.Import(config.accounts[0], tx, store, true);
    REQUIRE(posted);
    REQUIRE(posted->status == TxStatus::kPosted);
    return *posted;
  }

  static WebhookEvent NetSuiteEvent(const std::string& target, const std::string& event, const std::string& marker) {
    WebhookEvent e;
    e.source = WebhookSource::kNetSuite;
    e.kind = EventKind::kNetSuiteRecord;
    const auto type_end = target.find(':', 9);
    e.record_type = target.substr(9, type_end - 9);  // "netsuite:<type>:<id>"
    e.record_id = target.substr(type_end + 1);
    e.record_event = event;
    e.external_id = marker;
    return e;
  }

  static WebhookEvent ShopifyRefundEvent(const std::string& refund_id, const std::string& note) {
    WebhookEvent e;
    e.source = WebhookSource::kShopify;
    e.account = "shop";
    e.kind = EventKind::kStorefrontRefund;
    e.order_id = "1001";
    e.refund_id = refund_id;
    e.created_at = FormatRfc3339Ms(kNow);
    e.amount = Usd(1500);
    e.note = note;
    return e;
  }

  const Transaction& Stored(const std::string& id) { return store.transactions.at(id); }
};

int CountNotes(const Transaction& tx, const std::string& note) {
  int count = 0;
  for (const auto& entry : tx.history) count += entry.note == note;
  return count;
}

}  // namespace

TEST_CASE("Echo: the NetSuite record we created comes back, named by our marker: into its origin's history, unread",
          "[rules]") {
  Scene s;
  const Transaction origin = s.PostedToNetSuite();
  const int reads = s.ledger.Count("read");
  const auto event = Scene::NetSuiteEvent(origin.target_record, "create", ToNetSuiteHandler::Marker(origin));
  REQUIRE(s.processor.HandleEvent(event, s.store, "ns-1"));
  REQUIRE(s.processor.HandleEvent(event, s.store, "ns-1"));  // redelivered
  CHECK(s.store.transactions.size() == 1);                   // no transaction of its own
  CHECK(s.ledger.Count("read") == reads);                    // recognised without reading the record
  const Transaction& after = s.Stored(origin.id);
  CHECK(after.status == TxStatus::kPosted);
  CHECK(CountNotes(after, "came back as " + origin.target_record) == 1);

  // Our adjustment edits it: the edit comes back too, recorded as such.
  REQUIRE(s.processor.HandleEvent(Scene::NetSuiteEvent(origin.target_record, "edit", ToNetSuiteHandler::Marker(origin)),
                                  s.store, "ns-2"));
  CHECK(CountNotes(s.Stored(origin.id), "came back as " + origin.target_record + " (edit)") == 1);
  CHECK(s.store.transactions.size() == 1);
}

TEST_CASE("Echo: an event without the marker (an older SuiteScript) is recognised by the memo of the record read",
          "[rules]") {
  Scene s;
  const Transaction origin = s.PostedToNetSuite();
  REQUIRE(s.processor.HandleEvent(Scene::NetSuiteEvent(origin.target_record, "create", ""), s.store, "ns-1"));
  CHECK(s.store.transactions.size() == 1);
  CHECK(CountNotes(s.Stored(origin.id), "came back as " + origin.target_record) == 1);
}

TEST_CASE("Echo: the Shopify refund we made comes back as refunds/create with our note: no transaction of its own",
          "[rules]") {
  Scene s;
  const std::string memo = s.ledger.EnterRefund("21", Usd(1500));
  REQUIRE(s.processor.HandleNetSuiteRecord("creditmemo", memo, "create", s.store));
  const Transaction& origin = s.Stored(TransactionId("shop", "netsuite:creditmemo:" + memo));
  REQUIRE(origin.status == TxStatus::kPosted);
  const std::string refund_id = origin.target_record.substr(kShopifyRefundPrefix.size());
  const auto echo = Scene::ShopifyRefundEvent(refund_id, "NetSuite netsuite:creditmemo:" + memo);
  REQUIRE(s.processor.HandleEvent(echo, s.store, "sh-1"));
  REQUIRE(s.processor.HandleEvent(echo, s.store, "sh-1"));
  CHECK(s.store.transactions.size() == 1);
  CHECK(CountNotes(s.Stored(origin.id), "came back as " + origin.target_record) == 1);

  // A refund a person made in Shopify's admin, with a note of their own, is still skipped where people see it.
  REQUIRE(s.processor.HandleEvent(Scene::ShopifyRefundEvent("777", "customer goodwill"), s.store, "sh-2"));
  const Transaction& skipped = s.Stored(TransactionId("shop", "shopify:refund:777"));
  CHECK(skipped.status == TxStatus::kSkipped);
  // So is one that copies our note but is another refund than the one we made.
  REQUIRE(s.processor.HandleEvent(Scene::ShopifyRefundEvent("778", echo.note), s.store, "sh-3"));
  CHECK(s.Stored(TransactionId("shop", "shopify:refund:778")).status == TxStatus::kSkipped);
}

TEST_CASE("Echo: the eBay refund we issued shows on its order: recorded in its origin, not imported", "[rules]") {
  Scene s;
  s.ebay.new_refund_status = "REFUNDED";
  const std::string memo = s.ledger.EnterRefund("22", Usd(1500));
  REQUIRE(s.processor.HandleNetSuiteRecord("creditmemo", memo, "create", s.store));
  const Transaction& origin = s.Stored(TransactionId("ebay-de", "netsuite:creditmemo:" + memo));
  REQUIRE(origin.status == TxStatus::kPosted);
  REQUIRE(origin.target_record.rfind("ebay:refund:", 0) == 0);
  // The order now lists our refund, and one a person made on eBay.
  s.ebay.orders["5"].refunds.push_back(EbayRefund{"R-person", "REFUNDED", Usd(500), FormatRfc3339Ms(kNow), "", false});
  auto imported = s.processor.ImportEbayOrder(s.config.accounts[2], s.ebay.orders["5"], s.store);
  REQUIRE(imported);
  CHECK(*imported == 1);  // the person's, skipped by the direction policy
  CHECK(s.store.transactions.size() == 2);
  CHECK(CountNotes(s.Stored(origin.id), "came back as " + origin.target_record) == 1);
  CHECK(s.Stored(TransactionId("ebay-de", "ebay:refund:R-person")).status == TxStatus::kSkipped);
}

TEST_CASE("Echo: while its origin is still being posted the event waits, and nothing is lost or stored twice",
          "[rules]") {
  Scene s;
  const Transaction origin = s.PostedToNetSuite();
  auto lease = s.store.AcquireOrderLease(OrderKey{"ebay-us", "100"}, std::chrono::seconds(60));
  REQUIRE(lease);
  REQUIRE(*lease);
  const auto event = Scene::NetSuiteEvent(origin.target_record, "create", ToNetSuiteHandler::Marker(origin));
  auto busy = s.processor.HandleEvent(event, s.store, "ns-1");
  REQUIRE_FALSE(busy);
  CHECK(IsRetryable(busy.error()));  // left unacknowledged: it comes back
  CHECK(CountNotes(s.Stored(origin.id), "came back as " + origin.target_record) == 0);
  REQUIRE(s.store.ReleaseOrderLease(OrderKey{"ebay-us", "100"}, **lease));
  REQUIRE(s.processor.HandleEvent(event, s.store, "ns-1"));
  CHECK(CountNotes(s.Stored(origin.id), "came back as " + origin.target_record) == 1);
  CHECK(s.store.transactions.size() == 1);
}

TEST_CASE("Echo: a person's copy of our record (our memo, another record) is not taken for ours", "[rules]") {
  Scene s;
  const Transaction origin = s.PostedToNetSuite();
  const std::string copy = s.ledger.EnterRefund("20", Usd(1500), ToNetSuiteHandler::Marker(origin) + " refundsync");
  auto event = Scene::NetSuiteEvent("netsuite:cashrefund:" + copy, "create", "");
  event.memo = ToNetSuiteHandler::Marker(origin) + " refundsync";  // "Make Copy" keeps the memo, not the externalId
  REQUIRE(s.processor.HandleEvent(event, s.store, "ns-1"));
  CHECK(CountNotes(s.Stored(origin.id), "came back as netsuite:cashrefund:" + copy) == 0);
  const Transaction& skipped = s.Stored(TransactionId("ebay-us", "netsuite:cashrefund:" + copy));
  CHECK(skipped.status == TxStatus::kSkipped);  // where people see it

  // A marker that is only mentioned, not leading the memo, names nothing.
  CHECK_FALSE(ToNetSuiteHandler::MarkedTransaction("see " + ToNetSuiteHandler::Marker(origin)));
  CHECK(ToNetSuiteHandler::MarkedTransaction(ToNetSuiteHandler::Marker(origin) + " refundsync x") == origin.id);
}

TEST_CASE("Echo: a deletion of our record is a person's: noted in its origin for people, nothing reversed", "[rules]") {
  Scene s;
  const Transaction origin = s.PostedToNetSuite();
  REQUIRE(s.processor.HandleEvent(
      Scene::NetSuiteEvent(origin.target_record, "delete", ToNetSuiteHandler::Marker(origin)), s.store, "ns-1"));
  CHECK(CountNotes(s.Stored(origin.id),
                   origin.target_record + " was deleted in NetSuite after posting; nothing reversed") == 1);
  CHECK(s.Stored(origin.id).status == TxStatus::kPosted);
  CHECK(s.store.transactions.size() == 1);
}

TEST_CASE("Echo: once ours came back, reconciliation knows the record and never reads it again", "[rules]") {
  Scene s;
  const Transaction origin = s.PostedToNetSuite();
  const std::string id = origin.target_record.substr(std::string("netsuite:cashrefund:").size());
  auto before = s.processor.IsKnownNetSuiteRecord("cashrefund", id, s.store);
  REQUIRE(before);
  CHECK_FALSE(*before);
  REQUIRE(s.processor.HandleEvent(
      Scene::NetSuiteEvent(origin.target_record, "create", ToNetSuiteHandler::Marker(origin)), s.store, "ns-1"));
  auto after = s.processor.IsKnownNetSuiteRecord("cashrefund", id, s.store);
  REQUIRE(after);
  CHECK(*after);
}

TEST_CASE("Echo: a marker naming a transaction never posted is not an echo", "[rules]") {
  Scene s;
  Transaction waiting;
  waiting.account = "ebay-us";
  waiting.source_record = "ebay:refund:R7";
  waiting.id = TransactionId(waiting.account, waiting.source_record);
  waiting.order_id = "100";
  waiting.amount = Usd(700);
  waiting.Record(kNow, TxStatus::kImported, "imported");
  REQUIRE(s.store.Save(waiting));
  const std::string record = s.ledger.EnterRefund("20", Usd(700), ToNetSuiteHandler::Marker(waiting));
  REQUIRE(s.processor.HandleEvent(
      Scene::NetSuiteEvent("netsuite:cashrefund:" + record, "create", ToNetSuiteHandler::Marker(waiting)), s.store,
      "ns-1"));
  CHECK(s.Stored(waiting.id).history.size() == 1);
  CHECK(s.store.transactions.count(TransactionId("ebay-us", "netsuite:cashrefund:" + record)) == 1);
}

TEST_CASE("Echo: arriving while its origin's post waits for the vendor's answer, it waits for the post and is noted",
          "[rules]") {
  Scene s;
  s.processor.set_echo_lease_wait(std::chrono::seconds(5));
  // The post below and the echo run on two threads; the store tells when the echo found the lease busy.
  struct WatchedStore : LockedSyncStore {
    using LockedSyncStore::LockedSyncStore;
    Result<std::optional<std::int64_t>> AcquireOrderLease(const OrderKey& order, Duration ttl) override {
      auto lease = LockedSyncStore::AcquireOrderLease(order, ttl);
      if (lease && !*lease) found_busy = true;
      return lease;
    }
    std::atomic<bool> found_busy{false};
  } store(s.store);
  // The origin as stored while its post is under way: not yet attempted, no target; the post holds the lease.
  const std::string memo = s.ledger.EnterRefund("21", Usd(1500));
  Transaction origin;
  origin.account = "shop";
  origin.source_record = "netsuite:creditmemo:" + memo;
  origin.id = TransactionId(origin.account, origin.source_record);
  origin.order_id = "1001";
  origin.amount = Usd(1500);
  origin.Record(kNow, TxStatus::kImported, "imported");
  REQUIRE(store.Save(origin));
  auto lease = store.AcquireOrderLease(OrderKey{"shop", "1001"}, std::chrono::seconds(60));
  REQUIRE(lease);
  REQUIRE(*lease);
  // Shopify sends refunds/create for refund 9000 before it answers refundCreate.
  Result<void> handled;
  std::thread echo([&] {
    handled =
        s.processor.HandleEvent(Scene::ShopifyRefundEvent("9000", "NetSuite " + origin.source_record), store, "sh-1");
  });
  REQUIRE(WaitUntil([&] { return store.found_busy.load(); }));
  // The answer comes: the post stores its outcome and lets go of the lease.
  Transaction posted = origin;
  posted.attempts = 1;
  posted.target_record = "shopify:refund:9000";
  posted.Record(kNow, TxStatus::kPosted, "posted as shopify:refund:9000");
  REQUIRE(store.SaveFenced(posted, **lease));
  REQUIRE(store.ReleaseOrderLease(OrderKey{"shop", "1001"}, **lease));
  echo.join();
  REQUIRE(handled);
  CHECK(CountNotes(s.Stored(origin.id), "came back as shopify:refund:9000") == 1);
  CHECK(s.store.transactions.size() == 1);  // no skipped row for our own refund
}
