#include "store/redis_concurrency_gate.h"

#include <thread>
#include <unistd.h>

#include "store/transaction_store.h"

namespace refundsync {
namespace {

// Just longer than a NetSuite request may take (30 s timeout): a replica killed while holding slots frees them
// this long after, so the others are not starved for long.
constexpr Duration kSlotTime = std::chrono::seconds(35);
constexpr auto kWaitLimit = std::chrono::seconds(30);
thread_local std::string t_holder;  // the slot this thread holds between Enter and Leave

}  // namespace

RedisConcurrencyGate::RedisConcurrencyGate(RedisLocator locator, int limit, const Clock& clock)
    : locator_(std::move(locator)), limit_(limit), clock_(clock) {}

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
  TransactionStore store(**connection);
  return store.TryAcquireSlot(holder, limit_, clock_.NowMs(), kSlotTime);
}

Result<void> RedisConcurrencyGate::Enter() {
  t_holder = std::to_string(getpid()) + "-" + std::to_string(next_holder_.fetch_add(1));
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
    // Reconnecting if needed (after a failover the slot lives on the new master): a slot left behind would block
    // a NetSuite call of every replica until it expires.
    if (auto connection = Connection()) {
      TransactionStore store(**connection);
      (void)store.ReleaseSlot(t_holder);  // if this fails, the slot expires by itself
    }
  }
  std::lock_guard wake(freed_mutex_);
  freed_.notify_one();
}

}  // namespace refundsync
