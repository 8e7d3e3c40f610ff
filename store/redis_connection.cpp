#include "store/redis_connection.h"

#include <limits>
#include <regex>

#include "core/unit_number.h"

namespace refundsync {
namespace {

timeval ToTimeval(Duration duration) {
  timeval tv{};
  tv.tv_sec = duration.count() / 1000;
  tv.tv_usec = (duration.count() % 1000) * 1000;
  return tv;
}

Error Unavailable(const std::string& what) { return MakeError("redis_unavailable", what); }

}  // namespace

std::string RedisTarget::Describe() const {
  if (!socket_path.empty()) return "unix://" + socket_path + "/" + std::to_string(db);
  return host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

Result<RedisTarget> ParseRedisUrl(const std::string& url) {
  static const std::regex kTcp(R"(^redis://([^/:@\s]+)(?::(\d{1,5}))?(?:/(\d+))?$)");
  static const std::regex kUnix(R"(^unix://(/\S+)$)");
  std::smatch match;
  RedisTarget target;
  if (std::regex_match(url, match, kTcp)) {
    target.host = match[1];
    // Digits by the pattern, but possibly more than a port or a database number can be.
    const auto port = match[2].matched ? ParseInt64(match[2].str()) : std::optional<std::int64_t>(target.port);
    const auto db = match[3].matched ? ParseInt64(match[3].str()) : std::optional<std::int64_t>(target.db);
    if (port && *port > 0 && *port <= 65535 && db && *db <= std::numeric_limits<int>::max()) {
      target.port = static_cast<int>(*port);
      target.db = static_cast<int>(*db);
      return target;
    }
    return MakeError("invalid_config", "\"" + url + "\" names a port or database number out of range");
  }
  if (std::regex_match(url, match, kUnix)) {
    target.socket_path = match[1];
    return target;
  }
  return MakeError("invalid_config", "\"" + url + "\" is not redis://host[:port][/db] or unix:///path");
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(const RedisTarget& target,
                                                                  const std::optional<Secret>& password,
                                                                  Duration timeout) {
  const timeval tv = ToTimeval(timeout);
  redisContext* context = target.socket_path.empty() ? redisConnectWithTimeout(target.host.c_str(), target.port, tv)
                                                     : redisConnectUnixWithTimeout(target.socket_path.c_str(), tv);
  if (context == nullptr) return Unavailable("cannot allocate a Redis context");
  if (context->err) {
    std::string message = "cannot connect to Redis at " + target.Describe() + ": " + context->errstr;
    redisFree(context);
    return Unavailable(message);
  }
  redisSetTimeout(context, tv);
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
  if (password) {
    auto reply = connection->Command({"AUTH", password->reveal()});
    if (!reply) return reply.error();
    if ((*reply)->type == REDIS_REPLY_ERROR) return Unavailable("Redis refused AUTH");  // never echo the password
  }
  if (target.db != 0) {
    auto reply = connection->Command({"SELECT", std::to_string(target.db)});
    if (!reply) return reply.error();
    if ((*reply)->type == REDIS_REPLY_ERROR) return Unavailable(std::string("Redis SELECT failed: ") + (*reply)->str);
  }
  return connection;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

Result<RedisReply> RedisConnection::Command(const std::vector<std::string>& args) {
  if (broken_) return Unavailable("Redis connection is broken");
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* raw =
      static_cast<redisReply*>(redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data()));
  if (raw == nullptr) {
    // hiredis 0.14: a NULL reply means the connection is unusable; the caller reconnects.
    broken_ = true;
    return Unavailable(std::string("Redis connection lost: ") + (context_->err ? context_->errstr : "no reply"));
  }
  // A Sentinel failover demoted this server: the caller's next connection goes to the new master.
  if (IsReadOnlyError(raw)) broken_ = true;
  return RedisReply(raw);
}

Result<std::vector<RedisReply>> RedisConnection::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  if (broken_) return Unavailable("Redis connection is broken");
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data()) != REDIS_OK) {
      broken_ = true;
      return Unavailable("Redis pipeline could not be queued");
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      broken_ = true;  // the rest of the replies are lost with the connection
      return Unavailable(std::string("Redis connection lost: ") + (context_->err ? context_->errstr : "no reply"));
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
    if (IsReadOnlyError(replies.back().get())) broken_ = true;
  }
  return replies;
}

namespace {
std::atomic<std::uint64_t> master_generation{0};
}  // namespace

std::uint64_t MasterGeneration() { return master_generation.load(std::memory_order_acquire); }
void BumpMasterGeneration() { master_generation.fetch_add(1, std::memory_order_acq_rel); }

bool IsReadOnlyError(const redisReply* reply) {
  return reply != nullptr && reply->type == REDIS_REPLY_ERROR && reply->str != nullptr &&
         std::string_view(reply->str, reply->len).substr(0, 8) == "READONLY";
}

Result<RedisTarget> RedisLocator::Locate(Duration timeout) const {
  std::unique_ptr<RedisConnection> sentinel;
  return Locate(timeout, sentinel);
}

namespace {

// The master as one Sentinel names it.
Result<RedisTarget> AskSentinel(RedisConnection& sentinel, const RedisSentinel& config, const std::string& where) {
  auto reply = sentinel.Command({"SENTINEL", "get-master-addr-by-name", config.master_name});
  if (!reply) return reply.error();
  if ((*reply)->type == REDIS_REPLY_ARRAY && (*reply)->elements == 2) {
    RedisTarget master;
    master.host = ReplyText((*reply)->element[0]);
    if (master.host.empty()) return MakeError("redis_unavailable", "Sentinel named no host");
    const auto port = ParseInt64(ReplyText((*reply)->element[1]));
    if (!port || *port <= 0 || *port > 65535) return MakeError("redis_unavailable", "Sentinel named a malformed port");
    master.port = static_cast<int>(*port);
    master.db = config.db;
    return master;
  }
  return Unavailable("Sentinel " + where + " does not know master \"" + config.master_name + "\"");
}

}  // namespace

Result<RedisTarget> RedisLocator::Locate(Duration timeout, std::unique_ptr<RedisConnection>& sentinel) const {
  if (config_.url) return ParseRedisUrl(*config_.url);
  if (!config_.sentinel) return Unavailable("no Redis address configured");
  const RedisSentinel& config = *config_.sentinel;
  // A kept connection is asked first; it counts as broken after a failover (MasterGeneration), so the Sentinel is
  // asked afresh then.
  if (sentinel && !sentinel->broken()) {
    if (auto master = AskSentinel(*sentinel, config, "(kept connection)")) return master;
  }
  sentinel.reset();
  std::string last_error = "no Sentinel configured";
  for (const auto& address : config.addresses) {
    const std::string where = address.host + ":" + std::to_string(address.port);
    auto connection = RedisConnection::Connect(RedisTarget{address.host, address.port, "", 0}, std::nullopt, timeout);
    if (!connection) {
      last_error = connection.error().message;
      continue;
    }
    auto master = AskSentinel(**connection, config, where);
    if (!master) {
      last_error = master.error().message;
      continue;
    }
    sentinel = std::move(*connection);
    return master;
  }
  return Unavailable(last_error);
}

Result<std::unique_ptr<RedisConnection>> RedisLocator::ConnectToMaster(Duration timeout) const {
  auto target = Locate(timeout);
  if (!target) return target.error();
  return RedisConnection::Connect(*target, config_.password, timeout);
}

}  // namespace refundsync
