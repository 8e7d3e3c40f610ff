// The worker's queue handling, through an in-memory event queue and store (tests/support/fake_store_session.h) and
// the refund rules over fakes: each queued event is handled and acknowledged once its outcome is stored, an entry
// a dead consumer left is taken over, an unreadable entry is dropped (the capture keeps it), and a store that
// cannot be reached leaves the entry pending. No Redis, no network.
#include "handlers/worker.h"

#include <catch2/catch.hpp>

#include "tests/support/fake_store_session.h"
#include "tests/support/fake_sync_engine.h"
#include "tests/support/refund_scenes.h"
#include "tests/support/wait.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;  // 2026-05-28T20:26:40Z

// eBay account "ebay-us" syncs to NetSuite; its order 100 is billed as cash sale 20 (55.00) and refunded 15.00
// on eBay.
struct Scene : FakeSyncEngine {
  Scene() : FakeSyncEngine(OneAccount(), kNow) {
    ledger.SyncOrder("ebay-100", "10");
    ledger.Bill("ebay-100", "cashSale", "20", Usd(5500), {});
    ebay.orders["100"] =
        EbayOrder{"100",     "", "USD",
                  Usd(5500), {}, {EbayRefund{"R9", "REFUNDED", Usd(1500), "2026-05-28T10:00:00.000Z", "", false}}};
  }
  static Config OneAccount() {
    Config config;
    config.accounts = {
        Account("ebay-us", Channel::kEbay, Direction::kToNetSuite, "ebay-{order_id}", kNow - 86'400'000)};
    config.netsuite.generic_items.adjustment = "999";
    return config;
  }
  // eBay's notification that order 100 changed, as the ingress queues it.
  static std::string OrderChanged() {
    WebhookEvent event;
    event.source = WebhookSource::kEbay;
    event.account = "ebay-us";
    event.kind = EventKind::kStorefrontOrderChanged;
    event.order_id = "100";
    return ToJson(event);
  }

  FakeEventQueue queue;
  FakeStoreConnector connector{store, queue};
  Worker worker{processor, connector, "worker-test", std::chrono::seconds(30), clock, metrics};
};

}  // namespace

TEST_CASE("Worker: a queued event is handled and acknowledged once, and redelivered it posts nothing again",
          "[worker]") {
  Scene s;
  s.worker.Start(2);
  s.queue.Push("ebay:ebay-us:n1", Scene::OrderChanged());
  s.queue.Push("ebay:ebay-us:n2", Scene::OrderChanged());  // eBay notifies again for the same change
  REQUIRE(WaitUntil([&] { return s.queue.acked() == 2; }));
  s.worker.Stop();
  CHECK(s.queue.pending() == 0);
  CHECK(s.ledger.Count("create") == 1);
  const auto tx = s.store.Load(TransactionId("ebay-us", "ebay:refund:R9"));
  REQUIRE(tx);
  REQUIRE(*tx);
  CHECK((*tx)->status == TxStatus::kPosted);
}

TEST_CASE("Worker: an entry a dead consumer left pending is taken over and handled", "[worker]") {
  Scene s;
  s.queue.PushAbandoned("ebay:ebay-us:n1", Scene::OrderChanged());
  s.worker.Start(1);
  REQUIRE(WaitUntil([&] { return s.queue.acked() == 1; }));
  s.worker.Stop();
  CHECK(s.queue.claims() == 1);
  CHECK(s.ledger.Count("create") == 1);
}

TEST_CASE("Worker: an unreadable entry is acknowledged and dropped, and the next one is still handled", "[worker]") {
  Scene s;
  s.worker.Start(1);
  s.queue.Push("ebay:ebay-us:bad", "{\"truncated\": ");
  s.queue.Push("ebay:ebay-us:n1", Scene::OrderChanged());
  REQUIRE(WaitUntil([&] { return s.queue.acked() == 2; }));
  s.worker.Stop();
  CHECK(s.ledger.Count("create") == 1);
}

TEST_CASE("Worker: while the store cannot be reached nothing is read or lost, and once it can the entry is handled",
          "[worker]") {
  Scene s;
  s.connector.refuse_connects = 1;  // the first connection fails; the worker tries again after a pause
  s.queue.Push("ebay:ebay-us:n1", Scene::OrderChanged());
  s.worker.Start(1);
  REQUIRE(WaitUntil([&] { return s.queue.acked() == 1; }));
  s.worker.Stop();
  CHECK(s.connector.refuse_connects == 0);
  CHECK(s.ledger.Count("create") == 1);
}
