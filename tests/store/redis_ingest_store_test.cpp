#include "store/redis_ingest_store.h"

#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "store/capture_store.h"
#include "store/key_layout.h"
#include "tests/support/redis_server.h"
#include "tests/support/wait.h"

using namespace refundsync;
using refundsync::testing::RedisServer;

namespace {

// The asynchronous store, waited on: tests read results in order.
struct BlockingStore {
  RedisIngestStore& store;

  Result<IngestOutcome> Ingest(const IngestRequest& request) {
    std::promise<Result<IngestOutcome>> done;
    store.Ingest(request, [&done](Result<IngestOutcome> outcome) { done.set_value(std::move(outcome)); });
    return done.get_future().get();
  }
  Result<std::string> CaptureRejected(const CaptureRecord& capture) {
    std::promise<Result<std::string>> done;
    store.CaptureRejected(capture, [&done](Result<std::string> id) { done.set_value(std::move(id)); });
    return done.get_future().get();
  }
};

struct Fixture {
  RedisServer redis;
  RedisConfig config;
  FixedClock clock{SystemClock().NowMs()};  // captures get Redis's own time as their id
  std::unique_ptr<AsyncRedis> async;
  std::unique_ptr<RedisIngestStore> async_store;
  BlockingStore store;
  std::unique_ptr<RedisConnection> direct;

  explicit Fixture(CaptureLimits limits = {}, Duration window = std::chrono::hours(72))
      : async(MakeAsync()),
        async_store(std::make_unique<RedisIngestStore>(*async, clock, window, limits, 0)),
        store{*async_store} {}

  std::unique_ptr<AsyncRedis> MakeAsync() {
    config.url = redis.url();
    return std::make_unique<AsyncRedis>(config, std::chrono::seconds(1));
  }

  RedisConnection& Direct() {
    if (!direct || direct->broken()) direct = std::move(*RedisLocator(config).ConnectToMaster(std::chrono::seconds(1)));
    return *direct;
  }
};

IngestRequest Request(const std::string& id, bool enqueue = true) {
  IngestRequest request;
  request.dedupe_id = "shopify:shop:" + id;
  request.verdict = enqueue ? "accepted" : "ignored";
  request.enqueue = enqueue;
  request.event_json = R"({"kind":"storefront_refund"})";
  request.capture.source = "shopify";
  request.capture.account = "shop";
  request.capture.body = std::string("raw\0bytes", 9);
  return request;
}

}  // namespace

TEST_CASE("Ingest claims, captures and enqueues in one step, the dedupe key keeps the window", "[store][integration]") {
  Fixture f(CaptureLimits{}, std::chrono::hours(72));
  auto first = f.store.Ingest(Request("e1"));
  REQUIRE(first.has_value());
  CHECK(first->verdict == "accepted");
  const int shard = keys::ShardOf("shopify:shop:e1");
  CHECK(first->event_id.rfind(keys::EventIdPrefix(shard), 0) == 0);
  CHECK((*f.Direct().Command({"XLEN", keys::Events(shard)}))->integer == 1);
  const auto ttl = (*f.Direct().Command({"PTTL", keys::Dedupe(shard, "shopify:shop:e1")}))->integer;
  CHECK(ttl > 71LL * 3600 * 1000);
  CHECK(ttl <= 72LL * 3600 * 1000);
  // The capture keeps binary bodies byte-exact.
  auto capture = *f.Direct().Command({"XRANGE", keys::Captures(shard), "-", "+"});
  REQUIRE(capture->elements == 1);

  auto second = f.store.Ingest(Request("e1"));
  CHECK(second->verdict == "duplicate");
  CHECK(second->original_event_id == first->event_id);
  CHECK((*f.Direct().Command({"XLEN", keys::Events(shard)}))->integer == 1);
  CHECK((*f.Direct().Command({"XLEN", keys::Captures(shard)}))->integer == 2);
}

TEST_CASE("Ignored events are captured and deduped but not enqueued", "[store][integration]") {
  Fixture f;
  CHECK(f.store.Ingest(Request("i1", false))->verdict == "ignored");
  CHECK(f.store.Ingest(Request("i1", false))->verdict == "duplicate");
  const int shard = keys::ShardOf("shopify:shop:i1");
  CHECK((*f.Direct().Command({"XLEN", keys::Events(shard)}))->integer == 0);
}

TEST_CASE("A Redis that forgot the script (restart, SCRIPT FLUSH) gets it again", "[store][integration]") {
  Fixture f;
  REQUIRE(f.store.Ingest(Request("s1")).has_value());
  REQUIRE((*f.Direct().Command({"SCRIPT", "FLUSH"}))->type == REDIS_REPLY_STATUS);
  auto after = f.store.Ingest(Request("s2"));
  REQUIRE(after.has_value());
  CHECK(after->verdict == "accepted");
}

TEST_CASE("Redis down: the ingest fails as store_unavailable, and recovers with Redis", "[store][integration]") {
  Fixture f;
  REQUIRE(f.store.Ingest(Request("d1")).has_value());
  f.redis.Stop();
  auto failed = f.store.Ingest(Request("d2"));
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == "store_unavailable");
  f.redis.Start();
  // Reconnects are spaced out a little (no hammering a Redis that is down), so retry as a sender would.
  auto recovered = f.store.Ingest(Request("d2"));
  refundsync::testing::WaitUntil([&] {
    if (!recovered) recovered = f.store.Ingest(Request("d2"));
    return recovered.has_value();
  });
  REQUIRE(recovered.has_value());
  CHECK(recovered->verdict == "accepted");
}

TEST_CASE("Captures stay within their caps, rejected ones have their own", "[store][integration]") {
  CaptureLimits limits;
  limits.max_entries = 1000;  // 900 / 8 = 112 per shard, 100 rejected
  Fixture f(limits);
  for (int i = 0; i < 3000; ++i) REQUIRE(f.store.Ingest(Request("c" + std::to_string(i), false)).has_value());
  for (int i = 0; i < 1000; ++i) REQUIRE(f.store.CaptureRejected(CaptureRecord{}).has_value());
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    CHECK((*f.Direct().Command({"XLEN", keys::Captures(shard)}))->integer == 112);
  }
  CHECK((*f.Direct().Command({"XLEN", keys::RejectedCaptures()}))->integer == 100);
}

namespace {

std::int64_t StreamBytes(RedisConnection& redis, const std::string& key) {
  auto entries = *redis.Command({"XRANGE", key, "-", "+"});
  std::int64_t bytes = 0;
  for (std::size_t i = 0; i < entries->elements; ++i) bytes += CaptureEntryBytes(entries->element[i]->element[1]);
  return bytes;
}

}  // namespace

TEST_CASE("Captures stay within captures.max_bytes: rejected bodies as a prefix, a tenth of it in all",
          "[store][integration]") {
  CaptureLimits limits;
  limits.max_bytes = 8 << 20;
  Fixture f(limits);
  // Forged requests with 1 MB bodies and many large headers: each is kept as a bounded prefix with its size.
  for (int i = 0; i < 200; ++i) {
    CaptureRecord forged;
    forged.source = "ebay";
    forged.body = std::string(1 << 20, 'f');
    for (int h = 0; h < 100; ++h) forged.headers["x-h" + std::to_string(h)] = std::string(4000, '\x1b');
    REQUIRE(f.store.CaptureRejected(std::move(forged)).has_value());
  }
  const std::int64_t rejected = StreamBytes(f.Direct(), keys::RejectedCaptures());
  CHECK(rejected <= limits.max_bytes / 10);
  CHECK((*f.Direct().Command({"XLEN", keys::RejectedCaptures()}))->integer == limits.RejectedMaxEntries());
  auto last = *f.Direct().Command({"XREVRANGE", keys::RejectedCaptures(), "+", "-", "COUNT", "1"});
  const StoredCapture kept{"r-x", [&] {
                             std::map<std::string, std::string> fields;
                             const redisReply* pairs = last->element[0]->element[1];
                             for (std::size_t i = 0; i + 1 < pairs->elements; i += 2) {
                               fields[pairs->element[i]->str] =
                                   std::string(pairs->element[i + 1]->str, pairs->element[i + 1]->len);
                             }
                             return fields;
                           }()};
  CHECK(kept.Field("body").size() == kRejectedBodyPrefixBytes);
  CHECK(kept.Field("body_size") == std::to_string(1 << 20));
  CHECK(CaptureJson(kept).find(R"("body_size":1048576)") != std::string::npos);

  // Accepted captures of 100 KB each: every shard keeps its share of the other nine tenths, counted exactly.
  for (int i = 0; i < 400; ++i) {
    IngestRequest request = Request("b" + std::to_string(i), false);
    request.capture.body = std::string(100 * 1000, 'b');
    REQUIRE(f.store.Ingest(std::move(request)).has_value());
  }
  std::int64_t accepted = 0;
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    const std::int64_t bytes = StreamBytes(f.Direct(), keys::Captures(shard));
    CHECK(bytes <= limits.ShardMaxBytes());
    CHECK(bytes > limits.ShardMaxBytes() - 110 * 1000);  // trimmed to the budget, not far below it
    CHECK((*f.Direct().Command({"GET", keys::CaptureBytes(shard)}))->str == std::to_string(bytes));
    accepted += bytes;
  }
  CHECK(accepted + rejected <= limits.max_bytes);
}

TEST_CASE("Captures older than captures.max_age are trimmed", "[store][integration]") {
  CaptureLimits limits;
  limits.max_age = std::chrono::hours(1);
  Fixture f(limits);
  // Entries get Redis's own time as their id; a clock two hours ahead makes all existing ones too old.
  for (int i = 0; i < 300; ++i) REQUIRE(f.store.Ingest(Request("a" + std::to_string(i), false)).has_value());
  // Move "now" so that the cut-off (now - 1 h) falls after every existing capture and before the new ones.
  const std::int64_t cutoff = SystemClock().NowMs() + 1;
  while (SystemClock().NowMs() <= cutoff) {
  }
  f.clock.Set(cutoff + 3600 * 1000);
  std::int64_t before = 0, after = 0;
  for (int shard = 0; shard < keys::kShardCount; ++shard)
    before += (*f.Direct().Command({"XLEN", keys::Captures(shard)}))->integer;
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    // One new capture per shard runs the trim there.
    for (int i = 0; i < 200; ++i) {
      const std::string id = "new" + std::to_string(i);
      if (keys::ShardOf("shopify:shop:" + id) == shard) {
        REQUIRE(f.store.Ingest(Request(id, false)).has_value());
        break;
      }
    }
    after += (*f.Direct().Command({"XLEN", keys::Captures(shard)}))->integer;
  }
  CHECK(before == 300);
  CHECK(after == keys::kShardCount);  // only the capture that ran each shard's trim is left
}

TEST_CASE("A capture stream written before byte counting is counted whole on its next capture",
          "[store][integration]") {
  Fixture f;
  const int shard = keys::ShardOf("shopify:shop:m1");
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.Direct().Command(
        {"XADD", keys::Captures(shard), "*", "verdict", "accepted", "body", std::string(1000, 'o')}));
  }
  REQUIRE(f.store.Ingest(Request("m1", false)).has_value());
  const std::int64_t bytes = StreamBytes(f.Direct(), keys::Captures(shard));
  CHECK(bytes > 3000);
  CHECK((*f.Direct().Command({"GET", keys::CaptureBytes(shard)}))->str == std::to_string(bytes));
}
