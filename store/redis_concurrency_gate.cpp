#include "store/redis_concurrency_gate.h"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <thread>

#include "store/redis_sync_store.h"

namespace refundsync {
namespace {

constexpr auto kWaitLimit = std::chrono::seconds(30);

std::string InstanceId() {
  char host[64] = {};
  (void)gethostname(host, sizeof(host) - 1);
  std::random_device random;
  char suffix[17];
  std::snprintf(suffix, sizeof(suffix), "%08x%08x", random(), random());
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + suffix;
}
thread_local std::string t_holder;  // the slot this thread holds between Enter and Leave

}  // namespace

RedisConcurrencyGate::RedisConcurrencyGate(RedisLocator locator, int limit, Duration slot_time)
    : instance_(InstanceId()), locator_(std::move(locator)), limit_(limit), slot_time_(slot_time) {
  heartbeat_ = std::thread([this] { RenewHeldSlots(); });
}

RedisConcurrencyGate::~RedisConcurrencyGate() {
  {
    std::lock_guard lock(heartbeat_mutex_);
    stopping_ = true;
  }
  heartbeat_wake_.notify_all();
  heartbeat_.join();
}

void RedisConcurrencyGate::RenewHeldSlots() {
  std::unique_lock wait_lock(heartbeat_mutex_);
  const auto renew_every = slot_time_ / 5;
  while (!heartbeat_wake_.wait_for(wait_lock, renew_every, [this] { return stopping_; })) {
    std::lock_guard lock(mutex_);
    if (held_.empty()) continue;
    auto connection = Connection();
    if (!connection) continue;  // Redis away: the slots may expire meanwhile, NetSuite's own limit still holds
    RedisSyncStore store(**connection);
    (void)store.RenewSlots(std::vector<std::string>(held_.begin(), held_.end()), slot_time_);
  }
}

Result<RedisConnection*> RedisConcurrencyGate::Connection() {
  if (!connection_ || connection_->broken()) {
    auto connected = locator_.ConnectToMaster(std::chrono::seconds(1));
    if (!connected) {
      connection_.reset();
      return MakeError("upstream_unavailable", "NetSuite slots: " + connected.error().message);
    }
    connection_ = std::move(*connected);
  }
  return connection_.get();
}

Result<bool> RedisConcurrencyGate::TryAcquire(const std::string& holder) {
  std::lock_guard lock(mutex_);
  auto connection = Connection();
  if (!connection) return connection.error();
  RedisSyncStore store(**connection);
  auto acquired = store.TryAcquireSlot(holder, limit_, slot_time_);
  if (acquired && *acquired) held_.insert(holder);
  return acquired;
}

Result<void> RedisConcurrencyGate::Enter() {
  t_holder = instance_ + "-" + std::to_string(next_holder_.fetch_add(1));
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  auto pause = std::chrono::milliseconds(2);
  while (true) {
    auto acquired = TryAcquire(t_holder);
    if (!acquired) return MakeError("upstream_unavailable", acquired.error().message);
    if (*acquired) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return MakeError("upstream_unavailable", "no NetSuite concurrency slot freed up within 30 s");
    }
    // Waiting for another request to finish: until a thread here gives a slot back, or a short, growing pause
    // for slots of other replicas.
    {
      std::unique_lock lock(freed_mutex_);
      freed_.wait_for(lock, pause);
    }
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

void RedisConcurrencyGate::Leave() {
  {
    std::lock_guard lock(mutex_);
    held_.erase(t_holder);  // not renewed any more: if the release below fails, the slot expires by itself
    // Reconnecting if needed (after a failover the slot lives on the new master): a slot left behind would block
    // a NetSuite call of every replica until it expires.
    if (auto connection = Connection()) {
      RedisSyncStore store(**connection);
      (void)store.ReleaseSlot(t_holder);  // if this fails, the slot expires by itself
    }
  }
  std::lock_guard wake(freed_mutex_);
  freed_.notify_one();
}

}  // namespace refundsync
