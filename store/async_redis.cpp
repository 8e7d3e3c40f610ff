#include "store/async_redis.h"

#include <chrono>

#include <event2/event.h>
#include <event2/thread.h>
#include <hiredis/adapters/libevent.h>

#include "core/log.h"

namespace refundsync {
namespace {

std::int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// After a failed connect, fail fast for this long instead of hammering a Redis that is down.
constexpr std::int64_t kReconnectBackoffMs = 20;

}  // namespace

AsyncRedis::AsyncRedis(RedisConfig config, Duration timeout)
    : config_(config), locator_(std::move(config)), timeout_(timeout) {
  static const int threads_ready = evthread_use_pthreads();  // before any event_base: event_active across threads
  (void)threads_ready;
  base_ = event_base_new();
  wake_ = event_new(
      base_, -1, 0, [](evutil_socket_t, short, void* self) { static_cast<AsyncRedis*>(self)->Drain(); }, this);
  tick_ = event_new(
      base_, -1, EV_PERSIST, [](evutil_socket_t, short, void* self) { static_cast<AsyncRedis*>(self)->CheckDeadlines(); },
      this);
  const timeval every{0, 50'000};
  event_add(tick_, &every);
  thread_ = std::thread([this] { RunLoop(); });
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

std::unique_ptr<AsyncRedis::Pending> AsyncRedis::MakePending(Args args, Callback callback) const {
  auto pending = std::make_unique<Pending>();
  pending->args = std::move(args);
  pending->callback = std::move(callback);
  pending->deadline_ms = SteadyNowMs() + timeout_.count();
  return pending;
}

void AsyncRedis::Submit(Args args, Callback callback) {
  auto pending = MakePending(std::move(args), std::move(callback));
  {
    std::lock_guard lock(mutex_);
    submitted_.push_back(std::move(pending));
  }
  event_active(wake_, 0, 0);
}

void AsyncRedis::SubmitTogether(std::vector<std::pair<Args, Callback>> commands) {
  {
    // One lock: Drain takes the whole queue at once, so these land in one batch, sent on one connection.
    std::lock_guard lock(mutex_);
    for (auto& [args, callback] : commands) submitted_.push_back(MakePending(std::move(args), std::move(callback)));
  }
  event_active(wake_, 0, 0);
}

void AsyncRedis::RunLoop() {
  event_base_loop(base_, 0);
}

void AsyncRedis::FailAll(std::deque<std::unique_ptr<Pending>>& pending, const std::string& why) {
  const Error error = MakeError("store_unavailable", why);
  for (auto& item : pending) item->callback(nullptr, &error);
  pending.clear();
}

bool AsyncRedis::EnsureConnected() {
  if (context_ != nullptr) return true;
  const std::int64_t now = SteadyNowMs();
  if (now - last_connect_failure_ms_ < kReconnectBackoffMs) return false;
  auto target = locator_.Locate(timeout_);
  if (!target) {
    last_connect_failure_ms_ = now;
    return false;
  }
  redisAsyncContext* context = target->socket_path.empty()
                                   ? redisAsyncConnect(target->host.c_str(), target->port)
                                   : redisAsyncConnectUnix(target->socket_path.c_str());
  if (context == nullptr || context->err) {
    if (context) redisAsyncFree(context);
    last_connect_failure_ms_ = now;
    return false;
  }
  context->data = this;
  generation_ = MasterGeneration();
  redisLibeventAttach(context, base_);
  redisAsyncSetConnectCallback(context, &AsyncRedis::OnConnect);
  redisAsyncSetDisconnectCallback(context, &AsyncRedis::OnDisconnect);
  context_ = context;
  // Pipelined ahead of everything else on this connection; a failure shows as an error reply to them.
  if (config_.password) {
    const std::string& password = config_.password->reveal();
    const char* argv[] = {"AUTH", password.c_str()};
    const size_t lengths[] = {4, password.size()};
    redisAsyncCommandArgv(context_, nullptr, nullptr, 2, argv, lengths);
  }
  if (target->db != 0) {
    const std::string db = std::to_string(target->db);
    const char* argv[] = {"SELECT", db.c_str()};
    const size_t lengths[] = {6, db.size()};
    redisAsyncCommandArgv(context_, nullptr, nullptr, 2, argv, lengths);
  }
  return true;
}

void AsyncRedis::Drain() {
  std::deque<std::unique_ptr<Pending>> batch;
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    batch.swap(submitted_);
    stopping = stopping_;
  }
  if (stopping) {
    FailAll(batch, "shutting down");
    if (context_ != nullptr) redisAsyncFree(context_);  // fails what is in flight, via OnReply
    event_base_loopbreak(base_);
    return;
  }
  if (batch.empty()) return;
  DropIfMasterChanged();  // never send a new command to a server Sentinel no longer names
  if (!EnsureConnected()) {
    FailAll(batch, "Redis is unreachable");
    return;
  }
  for (auto& item : batch) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& arg : *item->args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    Pending* raw = item.release();  // owned by in_flight_ until its reply (or failure) arrives
    in_flight_.push_back(raw);
    if (redisAsyncCommandArgv(context_, &AsyncRedis::OnReply, raw, static_cast<int>(argv.size()), argv.data(),
                              lengths.data()) != REDIS_OK) {
      in_flight_.pop_back();
      const Error error = MakeError("store_unavailable", "Redis connection is closing");
      raw->callback(nullptr, &error);
      delete raw;
    }
  }
}

bool AsyncRedis::DropIfMasterChanged() {
  if (context_ == nullptr || generation_ == MasterGeneration()) return false;
  // Sentinel names another master now: what is in flight fails (503, the sender re-sends), the next command
  // connects to the new master.
  log::Warn("redis_master_changed", {{"effect", "webhook connection reconnects to the new master"}});
  DropConnection();
  return true;
}

void AsyncRedis::DropConnection() {
  redisAsyncContext* context = context_;
  context_ = nullptr;
  redisAsyncFree(context);  // calls OnReply with no reply for every pending command
}

void AsyncRedis::CheckDeadlines() {
  if (DropIfMasterChanged()) return;
  if (context_ == nullptr || in_flight_.empty()) return;
  if (SteadyNowMs() <= in_flight_.front()->deadline_ms) return;
  log::Warn("redis_timeout", {{"pending", static_cast<long long>(in_flight_.size())},
                              {"effect", "connection dropped, pending commands fail, next command reconnects"}});
  DropConnection();
}

void AsyncRedis::OnReply(redisAsyncContext* context, void* reply, void* privdata) {
  auto* self = static_cast<AsyncRedis*>(context->data);
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  if (self != nullptr) {
    for (auto it = self->in_flight_.begin(); it != self->in_flight_.end(); ++it) {
      if (*it == pending.get()) {
        self->in_flight_.erase(it);
        break;
      }
    }
  }
  if (reply == nullptr) {
    const Error error = MakeError("store_unavailable", "Redis connection lost");
    pending->callback(nullptr, &error);
    return;
  }
  auto* answer = static_cast<redisReply*>(reply);
  if (IsReadOnlyError(answer) && self != nullptr && self->context_ == context) {
    // A Sentinel failover demoted the server we talk to: drop the connection so the next command asks Sentinel
    // for the new master. (Sentinel also kills clients of a demoted master; this covers the moment before.)
    log::Warn("redis_demoted", {{"effect", "reconnecting to the master Sentinel names"}});
    self->context_ = nullptr;
    redisAsyncDisconnect(context);
  }
  pending->callback(answer, nullptr);
}

void AsyncRedis::OnConnect(const redisAsyncContext* context, int status) {
  if (status == REDIS_OK) return;
  auto* self = static_cast<AsyncRedis*>(context->data);
  // hiredis frees the context after this callback and fails its pending commands.
  if (self->context_ == context) self->context_ = nullptr;
  self->last_connect_failure_ms_ = SteadyNowMs();
}

void AsyncRedis::OnDisconnect(const redisAsyncContext* context, int /*status*/) {
  auto* self = static_cast<AsyncRedis*>(context->data);
  if (self->context_ == context) self->context_ = nullptr;
}

}  // namespace refundsync
