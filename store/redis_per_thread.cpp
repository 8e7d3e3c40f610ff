#include "store/redis_per_thread.h"

#include <unordered_map>

namespace refundsync {
namespace {

std::atomic<std::uint64_t> g_next_generation{1};

}  // namespace

RedisPerThread::RedisPerThread(RedisLocator locator, Duration timeout)
    : locator_(std::move(locator)), timeout_(timeout), generation_(g_next_generation.fetch_add(1)) {}

Result<RedisConnection*> RedisPerThread::Get() {
  thread_local std::unordered_map<std::uint64_t, std::unique_ptr<RedisConnection>> connections;
  auto& slot = connections[generation_];
  if (!slot || slot->broken()) {
    slot.reset();
    auto connected = locator_.ConnectToMaster(timeout_);
    if (!connected) return connected.error();
    slot = std::move(*connected);
  }
  return slot.get();
}

}  // namespace refundsync
