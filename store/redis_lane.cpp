#include "store/redis_lane.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace refundsync {
namespace {

// The lanes of the calling thread, by owner. A thread serves one or two AsyncRedis instances at most.
thread_local std::vector<std::pair<std::uint64_t, RedisLane*>> t_lanes;

RedisLane* Self(void* privdata) { return static_cast<RedisLane*>(privdata); }

}  // namespace

RedisLane::RedisLane(ThreadLoop& loop, RedisConfig config, Duration timeout, std::uint64_t owner)
    : loop_(loop),
      owner_(owner),
      pipe_(std::move(config), timeout, [this](redisAsyncContext* context) { Attach(context); }) {
  t_lanes.emplace_back(owner_, this);
}

RedisLane::~RedisLane() {
  // Pistache may destroy its threads' handlers from another thread once they stopped; then this thread's list
  // does not hold us, and the stopped thread's list went with it.
  std::erase_if(t_lanes, [this](const auto& entry) { return entry.second == this; });
}

RedisLane* RedisLane::OfThisThread(std::uint64_t owner) {
  for (const auto& [id, lane] : t_lanes) {
    if (id == owner) return lane;
  }
  return nullptr;
}

void RedisLane::Attach(redisAsyncContext* context) {
  context_ = context;
  fd_ = context->c.fd;
  reading_ = false;
  want_write_ = false;
  context->ev.data = this;
  context->ev.addRead = [](void* self) { Self(self)->StartReading(); };
  context->ev.delRead = [](void* self) { Self(self)->StopReading(); };
  context->ev.addWrite = [](void* self) { Self(self)->want_write_ = true; };
  context->ev.delWrite = [](void* self) { Self(self)->want_write_ = false; };
  context->ev.cleanup = [](void* self) {  // hiredis frees the context (and closes its socket) next
    RedisLane* lane = Self(self);
    lane->StopReading();
    lane->want_write_ = false;
    lane->context_ = nullptr;
    lane->fd_ = -1;
  };
}

void RedisLane::StartReading() {
  if (reading_ || fd_ < 0) return;
  loop_.WatchReadable(fd_, this);
  reading_ = true;
}

void RedisLane::StopReading() {
  if (!reading_) return;
  loop_.Unwatch(fd_);
  reading_ = false;
}

void RedisLane::OnReadable() {
  if (context_ != nullptr) redisAsyncHandleRead(context_);
}

void RedisLane::AfterEvents() {
  // Also completes a connect in progress: hiredis checks the socket on its first write.
  if (context_ != nullptr && want_write_) redisAsyncHandleWrite(context_);
}

void RedisLane::OnTick() {
  pipe_.CheckHealth();
  AfterEvents();
}

}  // namespace refundsync
