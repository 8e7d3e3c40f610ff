#include "store/redis_lane.h"

#include <poll.h>

#include <algorithm>
#include <utility>

namespace refundsync {
namespace {

// The lanes of the calling thread, by owner. A thread serves one or two AsyncRedis instances at most.
thread_local std::vector<std::pair<std::uint64_t, RedisLane*>> t_lanes;

// hiredis 0.14 takes a connect for done once the socket reports no error, even while it is still in progress;
// so it is asked only once the socket is writable (connected) or failed.
bool ConnectSettled(int fd) {
  pollfd entry{fd, POLLOUT, 0};
  return poll(&entry, 1, 0) > 0;
}

}  // namespace

RedisLane::RedisLane(ThreadLoop& loop, RedisConfig config, Duration timeout, RedisPipe::Locate locate,
                     RedisPipe::TargetFailed target_failed, std::uint64_t owner)
    : loop_(loop),
      owner_(owner),
      pipe_(
          std::move(config), timeout, [this](redisAsyncContext* context) { Attach(context); }, std::move(locate),
          std::move(target_failed)) {
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
  auto connection = std::make_unique<Connection>(*this, context);
  context->ev.data = connection.get();
  context->ev.addRead = [](void* data) { static_cast<Connection*>(data)->StartReading(); };
  context->ev.delRead = [](void* data) { static_cast<Connection*>(data)->StopReading(); };
  context->ev.addWrite = [](void* data) { static_cast<Connection*>(data)->want_write = true; };
  context->ev.delWrite = [](void* data) { static_cast<Connection*>(data)->want_write = false; };
  context->ev.cleanup = [](void* data) {  // hiredis frees the context (and closes its socket) next
    auto* connection = static_cast<Connection*>(data);
    connection->StopReading();
    connection->want_write = false;
    connection->context = nullptr;
  };
  connections_.push_back(std::move(connection));
}

void RedisLane::Connection::StartReading() {
  if (reading) return;
  lane.loop_.WatchReadable(fd, this);
  reading = true;
}

void RedisLane::Connection::StopReading() {
  if (!reading) return;
  lane.loop_.Unwatch(fd);
  reading = false;
}

void RedisLane::Connection::OnReadable() {
  if (context != nullptr) redisAsyncHandleRead(context);
}

void RedisLane::AfterEvents() {
  // By index: a write may fail a command whose callback sends again, attaching a new connection.
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    Connection* connection = connections_[i].get();
    if (connection->context == nullptr || !connection->want_write) continue;
    if (!(connection->context->c.flags & REDIS_CONNECTED) && !ConnectSettled(connection->fd)) continue;
    redisAsyncHandleWrite(connection->context);
  }
  std::erase_if(connections_, [](const auto& connection) { return connection->context == nullptr; });
}

void RedisLane::OnTick() {
  pipe_.CheckHealth();
  AfterEvents();
}

}  // namespace refundsync
