#include "store/async_redis.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <hiredis/adapters/libevent.h>
#include <netdb.h>
#include <netinet/in.h>

#include <atomic>

#include "core/clock.h"
#include "store/redis_lane.h"

namespace refundsync {
namespace {

// The host's address as text, IPv4 first as hiredis itself prefers; nullopt when it does not resolve.
std::optional<std::string> NumericAddress(const std::string& host) {
  for (const int family : {AF_INET, AF_UNSPEC}) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    const void* address = found->ai_family == AF_INET6
                              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr)
                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr);
    const bool ok = inet_ntop(found->ai_family, address, text, sizeof text) != nullptr;
    freeaddrinfo(found);
    if (ok) return std::string(text);
  }
  return std::nullopt;
}

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
  locate_ = event_new(
      base_, -1, 0, [](evutil_socket_t, short, void* self) { static_cast<AsyncRedis*>(self)->RefreshLaneTarget(); },
      this);
  RefreshLaneTarget();  // before the first webhook needs it
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
  event_free(locate_);
  event_free(tick_);
  event_base_free(base_);
}

RedisLane* AsyncRedis::LaneOfThisThread() const { return RedisLane::OfThisThread(id_); }

ThreadLoopClientFactory AsyncRedis::ThreadLoopClients() {
  return [this](ThreadLoop& loop) -> std::unique_ptr<ThreadLoopClient> {
    return std::make_unique<RedisLane>(
        loop, config_, timeout_, [this](std::uint64_t* generation) { return LaneTarget(generation); },
        [this] { LaneTargetFailed(); }, id_);
  };
}

Result<std::optional<RedisTarget>> AsyncRedis::LaneTarget(std::uint64_t* generation) {
  std::lock_guard lock(target_mutex_);
  if (lane_target_ && lane_target_generation_ == MasterGeneration()) {
    *generation = lane_target_generation_;
    return lane_target_;
  }
  RequestLocateLocked();
  return std::optional<RedisTarget>();  // being located
}

void AsyncRedis::LaneTargetFailed() {
  std::lock_guard lock(target_mutex_);
  RequestLocateLocked();
}

void AsyncRedis::RequestLocateLocked() {
  // A lookup can block the loop thread for seconds (Sentinels down): never back to back.
  constexpr std::int64_t kLocateGapMs = 250;
  const std::int64_t now = SteadyNowMs();
  if (locate_requested_ || now - last_locate_ms_ < kLocateGapMs) return;
  locate_requested_ = true;
  last_locate_ms_ = now;
  event_active(locate_, 0, 0);
}

void AsyncRedis::RefreshLaneTarget() {
  const std::uint64_t generation = MasterGeneration();  // before asking: a change meanwhile makes this stale
  Result<RedisTarget> target = RedisLocator(config_).Locate(timeout_);
  if (target && target->socket_path.empty()) {
    if (auto address = NumericAddress(target->host)) {
      target->host = *address;
    } else {
      target = MakeError("store_unavailable", "cannot resolve Redis host " + target->host);
    }
  }
  std::lock_guard lock(target_mutex_);
  locate_requested_ = false;
  last_locate_ms_ = SteadyNowMs();
  if (target) {
    lane_target_ = *target;
    lane_target_generation_ = generation;
  }
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
  for (auto& [args, callback] : commands)
    batch.push_back(RedisPipe::MakeCommand(std::move(args), std::move(callback), timeout_));
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
    RedisPipe::FailAll(batch, "shutting down");
    pipe_.reset();  // fails what is in flight
    event_base_loopbreak(base_);
    return;
  }
  pipe_->Send(std::move(batch));
}

}  // namespace refundsync
