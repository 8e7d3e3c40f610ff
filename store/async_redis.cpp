#include "store/async_redis.h"

#include <atomic>

#include <event2/event.h>
#include <event2/thread.h>
#include <hiredis/adapters/libevent.h>

#include "store/redis_lane.h"

namespace refundsync {
namespace {

std::uint64_t NextInstanceId() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace

AsyncRedis::AsyncRedis(RedisConfig config, Duration timeout)
    : config_(config), timeout_(timeout), id_(NextInstanceId()) {
  static const int threads_ready = evthread_use_pthreads();  // before any event_base: event_active across threads
  (void)threads_ready;
  base_ = event_base_new();
  pipe_ = std::make_unique<RedisPipe>(std::move(config), timeout,
                                      [this](redisAsyncContext* context) { redisLibeventAttach(context, base_); });
  wake_ = event_new(
      base_, -1, 0, [](evutil_socket_t, short, void* self) { static_cast<AsyncRedis*>(self)->Drain(); }, this);
  tick_ = event_new(
      base_, -1, EV_PERSIST,
      [](evutil_socket_t, short, void* self) { static_cast<AsyncRedis*>(self)->pipe_->CheckHealth(); }, this);
  const timeval every{0, 50'000};
  event_add(tick_, &every);
  thread_ = std::thread([this] { event_base_loop(base_, 0); });
}

AsyncRedis::~AsyncRedis() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  event_active(wake_, 0, 0);
  thread_.join();
  event_free(wake_);
  event_free(tick_);
  event_base_free(base_);
}

RedisLane* AsyncRedis::LaneOfThisThread() const { return RedisLane::OfThisThread(id_); }

ThreadLoopClientFactory AsyncRedis::ThreadLoopClients() {
  return [this](ThreadLoop& loop) -> std::unique_ptr<ThreadLoopClient> {
    return std::make_unique<RedisLane>(loop, config_, timeout_, id_);
  };
}

void AsyncRedis::Submit(Args args, Callback callback) {
  if (RedisLane* lane = LaneOfThisThread()) return lane->pipe().Send(std::move(args), std::move(callback));
  RedisPipe::Command command = RedisPipe::MakeCommand(std::move(args), std::move(callback), timeout_);
  {
    std::lock_guard lock(mutex_);
    submitted_.push_back(std::move(command));
  }
  event_active(wake_, 0, 0);
}

void AsyncRedis::SubmitTogether(std::vector<std::pair<Args, Callback>> commands) {
  std::vector<RedisPipe::Command> batch;
  for (auto& [args, callback] : commands) batch.push_back(RedisPipe::MakeCommand(std::move(args), std::move(callback), timeout_));
  if (RedisLane* lane = LaneOfThisThread()) return lane->pipe().Send(std::move(batch));
  {
    // One lock: Drain takes the whole queue at once, so these land in one batch, sent on one connection.
    std::lock_guard lock(mutex_);
    for (auto& command : batch) submitted_.push_back(std::move(command));
  }
  event_active(wake_, 0, 0);
}

void AsyncRedis::Drain() {
  std::vector<RedisPipe::Command> batch;
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    batch.swap(submitted_);
    stopping = stopping_;
  }
  if (stopping) {
    const Error error = MakeError("store_unavailable", "shutting down");
    for (auto& command : batch) command.callback(nullptr, &error);
    pipe_.reset();  // fails what is in flight
    event_base_loopbreak(base_);
    return;
  }
  pipe_->Send(std::move(batch));
}

}  // namespace refundsync
