// The NetSuite concurrency gate against a real Redis: a slot in use is kept alive by its process's heartbeat,
// and the slots of a process that died (or whose release was lost) free up within seconds.
#include <catch2/catch.hpp>

#include <thread>

#include "store/key_layout.h"
#include "store/redis_concurrency_gate.h"
#include "tests/support/redis_server.h"

using namespace refundsync;
using refundsync::testing::ConnectLocal;
using refundsync::testing::RedisServer;

namespace {

constexpr std::int64_t kStart = 1'795'000'000'000;

// Every slot in Redis: holder → expiry.
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

}  // namespace

TEST_CASE("A held NetSuite slot is renewed, and a dead holder's slot frees within seconds", "[store][integration]") {
  RedisServer redis;
  RedisConfig config;
  config.url = redis.url();
  auto inspect = ConnectLocal(redis.port());
  REQUIRE(inspect);
  FixedClock clock(kStart);

  auto first = std::make_unique<RedisConcurrencyGate>(RedisLocator(config), 1, clock);
  REQUIRE(first->Enter());
  auto slots = Slots(**inspect);
  REQUIRE(slots.size() == 1);
  const std::string holder = slots.begin()->first;
  CHECK(slots.begin()->second == kStart + 5000);

  // Four seconds on, the heartbeat (every second) has pushed the expiry out again.
  clock.Set(kStart + 4000);
  bool renewed = false;
  for (int i = 0; i < 300 && !renewed; ++i) {
    renewed = Slots(**inspect)[holder] == kStart + 4000 + 5000;
    if (!renewed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(renewed);

  // The holder dies without giving the slot back: nothing renews it, and once it is past its expiry another
  // process gets the only slot at once (before, slots lived 35 s).
  first.reset();
  clock.Set(kStart + 9001);
  RedisConcurrencyGate second(RedisLocator(config), 1, clock);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(second.Enter());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  slots = Slots(**inspect);
  REQUIRE(slots.size() == 1);
  CHECK(slots.begin()->first != holder);
  // Holders are unique per process, not just per PID (every container may run as PID 1).
  CHECK(slots.begin()->first.substr(0, slots.begin()->first.rfind('-')) != holder.substr(0, holder.rfind('-')));
  second.Leave();
  CHECK(Slots(**inspect).empty());
}
