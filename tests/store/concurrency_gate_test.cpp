// The NetSuite concurrency gate against a real Redis: a slot in use is kept alive by its process's heartbeat,
// and the slots of a process that died (or whose release was lost) free up within seconds. Real time: slot
// expiries are Redis's clock (TIME), so the test uses a one-second slot life.
#include <catch2/catch.hpp>
#include <thread>

#include "store/key_layout.h"
#include "store/redis_concurrency_gate.h"
#include "tests/support/redis_server.h"
#include "tests/support/wait.h"

using namespace refundsync;
using refundsync::testing::ConnectLocal;
using refundsync::testing::RedisServer;
using refundsync::testing::WaitUntil;

namespace {

constexpr Duration kSlotTime = std::chrono::milliseconds(1000);  // short, so the test waits for expiry briefly

// Every slot in Redis: holder → expiry (Redis time, ms).
std::map<std::string, std::int64_t> Slots(RedisConnection& redis) {
  std::map<std::string, std::int64_t> slots;
  auto reply = redis.Command({"ZRANGE", keys::NetSuiteSlots(), "0", "-1", "WITHSCORES"});
  REQUIRE(reply);
  for (std::size_t i = 0; i + 1 < (*reply)->elements; i += 2) {
    slots[std::string((*reply)->element[i]->str, (*reply)->element[i]->len)] =
        std::stoll(std::string((*reply)->element[i + 1]->str, (*reply)->element[i + 1]->len));
  }
  return slots;
}

std::int64_t RedisNowMs(RedisConnection& redis) {
  auto reply = redis.Command({"TIME"});
  REQUIRE(reply);
  return std::stoll((*reply)->element[0]->str) * 1000 + std::stoll((*reply)->element[1]->str) / 1000;
}

}  // namespace

TEST_CASE("A held NetSuite slot is renewed, and a dead holder's slot frees within seconds", "[store][integration]") {
  RedisServer redis;
  RedisConfig config;
  config.url = redis.url();
  auto inspect = ConnectLocal(redis.port());
  REQUIRE(inspect);

  auto first = std::make_unique<RedisConcurrencyGate>(RedisLocator(config), 1, kSlotTime);
  REQUIRE(first->Enter());
  auto slots = Slots(**inspect);
  REQUIRE(slots.size() == 1);
  const std::string holder = slots.begin()->first;
  const std::int64_t first_expiry = slots.begin()->second;
  CHECK(first_expiry > RedisNowMs(**inspect));  // Redis's clock, not the replica's

  // Past the slot's first expiry, the heartbeat has kept it alive and later.
  REQUIRE(WaitUntil([&] { return RedisNowMs(**inspect) >= first_expiry + 300; }));
  slots = Slots(**inspect);
  REQUIRE(slots.count(holder) == 1);
  CHECK(slots[holder] > first_expiry);

  // The holder dies without giving the slot back: nothing renews it, and another process gets the only slot
  // once it expires (about a slot's life; before, slots lived 35 s).
  first.reset();
  RedisConcurrencyGate second(RedisLocator(config), 1, kSlotTime);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(second.Enter());
  CHECK(std::chrono::steady_clock::now() - started < 3 * kSlotTime);
  slots = Slots(**inspect);
  REQUIRE(slots.size() == 1);
  CHECK(slots.begin()->first != holder);
  // Holders are unique per process, not just per PID (every container may run as PID 1).
  CHECK(slots.begin()->first.substr(0, slots.begin()->first.rfind('-')) != holder.substr(0, holder.rfind('-')));
  second.Leave();
  CHECK(Slots(**inspect).empty());
}
