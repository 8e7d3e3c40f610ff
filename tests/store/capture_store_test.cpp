// Paging through captures (GET /api/events): every matching capture exactly once, newest first, whatever the
// filter and the page size, including many captures in one millisecond and streams of very different lengths.
#include "store/capture_store.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <set>

#include "store/key_layout.h"
#include "tests/support/redis_server.h"

using namespace refundsync;
using refundsync::testing::ConnectLocal;
using refundsync::testing::RedisServer;

namespace {

void AddCapture(RedisConnection& redis, const std::string& stream, const std::string& id, const std::string& body) {
  auto reply = redis.Command({"XADD",        stream,     id,        "verdict", "accepted",
                              "received_at", "1",        "source",  "shopify", "account",
                              "shop",        "method",   "POST",    "path",    "/webhooks/shopify/shop",
                              "query",       "",         "headers", "{}",      "body",
                              body,          "redacted", "0",       "reason",  ""});
  REQUIRE(reply);
  REQUIRE((*reply)->type == REDIS_REPLY_STRING);
}

// Follows the cursor to the end; each id seen must be new, and the cursor must keep moving down.
std::vector<std::string> ReadAll(CaptureStore& store, const CaptureFilter& filter, int limit) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  for (int page = 0; page < 1000; ++page) {
    auto listed = store.List(filter, limit, cursor);
    REQUIRE(listed);
    for (const auto& item : listed->items) {
      simdjson::dom::parser parser;
      const std::string id(parser.parse(item)["id"].get_string().value());
      CHECK(seen.insert(id).second);
      ids.push_back(id);
    }
    if (!listed->next_cursor) return ids;
    if (cursor) REQUIRE(std::stoll(*listed->next_cursor) < std::stoll(*cursor));
    cursor = listed->next_cursor;
  }
  FAIL("the cursor never reached the end");
  return ids;
}

}  // namespace

TEST_CASE("Captures page through every match once: a crowded millisecond, uneven streams, narrow filters",
          "[captures][integration]") {
  RedisServer server;
  auto connection = ConnectLocal(server.port());
  REQUIRE(connection);
  RedisConnection& redis = **connection;
  // Shard 0: 300 captures in one millisecond (more than a scan round reads), 50 of them mention order 4711.
  for (int i = 0; i < 300; ++i) {
    AddCapture(redis, keys::Captures(0), "5000-" + std::to_string(i),
               i % 6 == 0 ? R"({"order_id":4711})" : R"({"order_id":47110})");
  }
  // Shard 1: 400 captures over older milliseconds, every 40th mentions 4711; shard 2: a few newer ones.
  for (int i = 0; i < 400; ++i) {
    AddCapture(redis, keys::Captures(1), std::to_string(1000 + i) + "-0",
               i % 40 == 0 ? R"({"order_id":4711})" : R"({"order_id":1})");
  }
  for (int i = 0; i < 5; ++i)
    AddCapture(redis, keys::Captures(2), std::to_string(6000 + i) + "-0", R"({"order_id":2})");
  CaptureStore store(redis);

  SECTION("no filter: all 705, newest first") {
    for (int limit : {1, 7, 25, 500}) {
      const auto ids = ReadAll(store, {}, limit);
      CHECK(ids.size() == 705);
      CHECK(ids.front() == "2-6004-0");
      CHECK(ids.back() == "1-1000-0");
    }
  }
  SECTION("a narrow filter: whole tokens only (4711, not 47110), across rounds and the crowded millisecond") {
    CaptureFilter filter;
    filter.contains = "4711";
    for (int limit : {1, 3, 50}) {
      const auto ids = ReadAll(store, filter, limit);
      CHECK(ids.size() == 50 + 10);
    }
    filter.account = "another";
    CHECK(ReadAll(store, filter, 5).empty());
  }
  SECTION("a cursor that is not one is refused") {
    CHECK_FALSE(store.List({}, 5, std::string("0")).has_value());
    CHECK_FALSE(store.List({}, 5, std::string("soon")).has_value());
  }
}
