#include "store/redis_pipe.h"

#include <algorithm>
#include <charconv>

#include "core/clock.h"
#include "core/log.h"

namespace refundsync {
namespace {

// After a failed connect, fail fast for this long instead of hammering a Redis that is down.
constexpr std::int64_t kReconnectBackoffMs = 20;

// The command in Redis's protocol (RESP: an array of bulk strings). hiredis would format it with sdscatfmt, a
// printf-like pass per argument that showed up as 4% of the server's CPU per webhook.
void FormatCommand(const std::vector<std::string>& args, std::string& out) {
  std::size_t size = 16;
  for (const auto& arg : args) size += arg.size() + 16;
  out.clear();
  out.reserve(size);
  const auto append_header = [&out](char kind, std::size_t n) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out += kind;
    out.append(digits, end);
    out += "\r\n";
  };
  append_header('*', args.size());
  for (const auto& arg : args) {
    append_header('$', arg.size());
    out += arg;
    out += "\r\n";
  }
}

}  // namespace

RedisPipe::RedisPipe(RedisConfig config, Duration timeout, Attach attach, Locate locate, TargetFailed target_failed)
    : config_(config),
      locator_(std::move(config)),
      timeout_(timeout),
      attach_(std::move(attach)),
      locate_(std::move(locate)),
      target_failed_(std::move(target_failed)) {}

void RedisPipe::TargetFailedNow() {
  last_connect_failure_ms_ = SteadyNowMs();
  if (target_failed_) target_failed_();
}

RedisPipe::~RedisPipe() {
  FailAll(waiting_, "shutting down");
  if (context_ != nullptr) DropConnection();
  while (!closing_.empty()) {
    redisAsyncContext* closing = closing_.back();
    closing_.pop_back();
    redisAsyncFree(closing);
  }
}

RedisPipe::Command RedisPipe::MakeCommand(Args args, Callback callback, Duration timeout) {
  return Command{std::move(args), std::move(callback), SteadyNowMs() + timeout.count()};
}

void RedisPipe::FailAll(std::vector<Command>& commands, const std::string& why) {
  const Error error = MakeError("store_unavailable", why);
  for (auto& command : commands) command.callback(nullptr, &error);
  commands.clear();
}

Result<std::optional<RedisTarget>> RedisPipe::LocateNow() const {
  auto target = locator_.Locate(timeout_);
  if (!target) return target.error();
  return std::optional<RedisTarget>(std::move(*target));
}

bool RedisPipe::EnsureConnected() {
  if (context_ != nullptr) return true;
  const std::int64_t now = SteadyNowMs();
  if (now - last_connect_failure_ms_ < kReconnectBackoffMs) return false;
  // The generation is read before asking: a change while asking makes this connection stale, not current.
  std::uint64_t generation = MasterGeneration();
  Result<std::optional<RedisTarget>> located = locate_ ? locate_(&generation) : LocateNow();
  locating_ = located && !*located;
  if (!located || locating_) {
    if (!locating_) last_connect_failure_ms_ = now;
    return false;
  }
  const RedisTarget* target = &**located;
  redisAsyncContext* context = target->socket_path.empty() ? redisAsyncConnect(target->host.c_str(), target->port)
                                                           : redisAsyncConnectUnix(target->socket_path.c_str());
  if (context == nullptr || context->err) {
    if (context) redisAsyncFree(context);
    TargetFailedNow();
    return false;
  }
  context->data = this;
  generation_ = generation;
  attach_(context);
  redisAsyncSetConnectCallback(context, &RedisPipe::OnConnect);
  redisAsyncSetDisconnectCallback(context, &RedisPipe::OnDisconnect);
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

void RedisPipe::Send(Args args, Callback callback) {
  std::vector<Command> one;
  one.push_back(MakeCommand(std::move(args), std::move(callback), timeout_));
  Send(std::move(one));
}

void RedisPipe::Send(std::vector<Command> commands) {
  if (commands.empty()) return;
  DropIfMasterChanged();  // never send a new command to a server Sentinel no longer names
  if (!EnsureConnected()) {
    if (!locating_) return FailAll(commands, "Redis is unreachable");
    // Kept together and in order: a script and the WAIT after it still go out back to back.
    for (auto& command : commands) waiting_.push_back(std::move(command));
    return;
  }
  if (!waiting_.empty()) {  // connected again before the tick: those that waited go first
    std::vector<Command> all;
    all.swap(waiting_);
    for (auto& command : commands) all.push_back(std::move(command));
    commands.swap(all);
  }
  thread_local std::string formatted;  // reused: no allocation per command
  for (auto& command : commands) {
    FormatCommand(*command.args, formatted);
    auto* raw = new Command(std::move(command));  // owned by in_flight_ until its reply (or failure) arrives
    raw->sent_on = context_;
    in_flight_.push_back(raw);
    if (redisAsyncFormattedCommand(context_, &RedisPipe::OnReply, raw, formatted.data(), formatted.size()) !=
        REDIS_OK) {
      in_flight_.pop_back();
      const Error error = MakeError("store_unavailable", "Redis connection is closing");
      raw->callback(nullptr, &error);
      delete raw;
    }
  }
}

bool RedisPipe::DropIfMasterChanged() {
  if (context_ == nullptr || generation_ == MasterGeneration()) return false;
  // Sentinel names another master now: what is in flight fails (503, the sender re-sends), the next command
  // connects to the new master.
  log::Warn("redis_master_changed", {{"effect", "webhook connection reconnects to the new master"}});
  DropConnection();
  return true;
}

void RedisPipe::DropConnection() {
  redisAsyncContext* context = context_;
  context_ = nullptr;
  redisAsyncFree(context);  // calls OnReply with no reply for every pending command
}

void RedisPipe::CheckHealth() {
  if (!waiting_.empty()) {
    std::vector<Command> waiting;
    waiting.swap(waiting_);
    const std::int64_t now = SteadyNowMs();
    std::vector<Command> overdue;
    std::vector<Command> still;
    for (auto& command : waiting) (now > command.deadline_ms ? overdue : still).push_back(std::move(command));
    FailAll(overdue, "the Redis master could not be located in time");
    Send(std::move(still));
  }
  if (DropIfMasterChanged()) return;
  if (in_flight_.empty()) return;
  const Command* oldest = in_flight_.front();
  if (SteadyNowMs() <= oldest->deadline_ms) return;
  log::Warn("redis_timeout", {{"pending", static_cast<long long>(in_flight_.size())},
                              {"effect", "connection dropped, pending commands fail, next command reconnects"}});
  if (oldest->sent_on == context_) return DropConnection();
  // A connection being closed that never answered: its commands fail now.
  if (auto it = std::find(closing_.begin(), closing_.end(), oldest->sent_on); it != closing_.end()) {
    redisAsyncContext* stale = *it;
    closing_.erase(it);
    redisAsyncFree(stale);
  }
}

void RedisPipe::OnReply(redisAsyncContext* context, void* reply, void* privdata) {
  auto* self = static_cast<RedisPipe*>(context->data);
  std::unique_ptr<Command> command(static_cast<Command*>(privdata));
  if (self != nullptr) {
    for (auto it = self->in_flight_.begin(); it != self->in_flight_.end(); ++it) {
      if (*it == command.get()) {
        self->in_flight_.erase(it);
        break;
      }
    }
  }
  if (reply == nullptr) {
    const Error error = MakeError("store_unavailable", "Redis connection lost");
    command->callback(nullptr, &error);
    return;
  }
  auto* answer = static_cast<redisReply*>(reply);
  if (IsReadOnlyError(answer) && self != nullptr && self->context_ == context) {
    // A Sentinel failover demoted the server we talk to: drop the connection so the next command asks Sentinel
    // for the new master. (Sentinel also kills clients of a demoted master; this covers the moment before.)
    log::Warn("redis_demoted", {{"effect", "reconnecting to the master Sentinel names"}});
    self->context_ = nullptr;
    self->closing_.push_back(context);
    redisAsyncDisconnect(context);
    if (self->target_failed_) self->target_failed_();
  }
  command->callback(answer, nullptr);
}

void RedisPipe::OnConnect(const redisAsyncContext* context, int status) {
  if (status == REDIS_OK) return;
  auto* self = static_cast<RedisPipe*>(context->data);
  // hiredis frees the context after this callback and fails its pending commands.
  if (self->context_ == context) self->context_ = nullptr;
  self->TargetFailedNow();
}

void RedisPipe::OnDisconnect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisPipe*>(context->data);
  if (self->context_ == context) self->context_ = nullptr;
  std::erase(self->closing_, context);
  // A connection that failed (refused, reset) counts as a failed connect: fail fast for a moment.
  if (status != REDIS_OK) self->TargetFailedNow();
}

}  // namespace refundsync
