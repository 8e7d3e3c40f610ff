#include "store/redis_sync_store.h"

#include "core/unit_number.h"
#include "store/key_layout.h"

namespace refundsync {
namespace {

// KEYS[1] lease, KEYS[2] transaction (same hash tag: the order's). ARGV[1] token, ARGV[2] JSON.
// KEYS[1] updated, KEYS[2] status, KEYS[3] account, KEYS[4] account-status, KEYS[5] order index, KEYS[6..] the
// status and account-status indexes of the other statuses (left). ARGV[1] updated ms, ARGV[2] id, ARGV[3] "NX" to
// keep an existing time, else "".
constexpr const char* kIndexTransaction = R"lua(
for i = 6, #KEYS do redis.call('ZREM', KEYS[i], ARGV[2]) end
for i = 1, 5 do
  if ARGV[3] == 'NX' then
    redis.call('ZADD', KEYS[i], 'NX', ARGV[1], ARGV[2])
  else
    redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2])
  end
end
return 1
)lua";

constexpr const char* kSaveFenced = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
)lua";

// KEYS[1] lease. ARGV[1] token.
constexpr const char* kReleaseLease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// KEYS[1] retry set. ARGV[1] now, ARGV[2] limit, ARGV[3] when a taken member is due again. Takes due members
// atomically (two workers never get one) without removing them: a worker that dies with one in hand leaves it to
// come due again. The member leaves the set when its transaction is finished.
constexpr const char* kTakeDue = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[3], id) end
return due
)lua";

// Slot expiries are Redis's own time (TIME), not each replica's clock: replicas whose clocks disagree by more
// than a slot's life would otherwise purge each other's live slots.
// KEYS[1] slot set. ARGV[1] holder, ARGV[2] limit, ARGV[3] slot life in ms.
constexpr const char* kAcquireSlot = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1
)lua";

// KEYS[1] slot set. ARGV[1] slot life in ms, ARGV[2..] holders. XX: only slots still there are extended; one that
// expired meanwhile may be someone else's now.
constexpr const char* kRenewSlots = R"lua(
local t = redis.call('TIME')
local expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
return 1
)lua";

Error Unavailable(const std::string& why) { return MakeError("store_unavailable", why); }

}  // namespace

std::string TxKey(const Transaction& tx) { return keys::Transaction(tx.account, tx.order_id, tx.id); }

Result<RedisReply> RedisSyncStore::Run(const std::vector<std::string>& args) {
  auto reply = redis_.Command(args);
  if (!reply) return Unavailable(reply.error().message);
  if ((*reply)->type == REDIS_REPLY_ERROR) return Unavailable("Redis: " + ReplyText(reply->get()));
  return reply;
}

Result<std::string> RedisSyncStore::KeyOf(const std::string& tx_id) {
  auto reply = Run({"GET", keys::TransactionLocator(tx_id)});
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_STRING) return std::string();
  return ReplyText(reply->get());
}

Result<RedisSyncStore::Stored> RedisSyncStore::CreateIfAbsent(const Transaction& tx) {
  // The transaction, its locator and its index entry live under different hash tags, so they cannot be written
  // in one step. Order them so that a worker dying (or Redis going away) between two writes leaves nothing
  // invisible: the locator first (it names a key derived from the transaction, harmless while that key is
  // missing), then the transaction, then the index entry, which a later arrival of the same refund adds if it
  // is missing. Seen in the fault test: a Redis restart between "SET NX" and the locator left a posted
  // transaction that nobody could load, retry or list.
  const std::string key = TxKey(tx);
  auto located = Run({"SET", keys::TransactionLocator(tx.id), key});
  if (!located) return located.error();
  auto created = Run({"SET", key, ToJson(tx), "NX"});
  if (!created) return created.error();
  if ((*created)->type == REDIS_REPLY_STATUS) {
    auto indexed = Index(tx, false);
    if (!indexed) return indexed.error();
    return Stored{tx, true};
  }
  auto existing = Run({"GET", key});
  if (!existing) return existing.error();
  auto parsed = TransactionFromJson(ReplyText(existing->get()));
  if (!parsed) return parsed.error();
  auto indexed = Index(*parsed, true);
  if (!indexed) return indexed.error();
  return Stored{std::move(*parsed), false};
}

Result<std::optional<Transaction>> RedisSyncStore::Load(const std::string& id) {
  auto key = KeyOf(id);
  if (!key) return key.error();
  if (key->empty()) return std::optional<Transaction>();
  auto reply = Run({"GET", *key});
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_STRING) return std::optional<Transaction>();
  auto tx = TransactionFromJson(ReplyText(reply->get()));
  if (!tx) return tx.error();
  return std::optional<Transaction>(std::move(*tx));
}

Result<std::vector<Transaction>> RedisSyncStore::LoadMany(const std::vector<std::string>& ids) {
  std::vector<Transaction> out;
  if (ids.empty()) return out;
  std::vector<std::vector<std::string>> locate;
  for (const auto& id : ids) locate.push_back({"GET", keys::TransactionLocator(id)});
  auto located = redis_.Pipeline(locate);
  if (!located) return Unavailable(located.error().message);
  std::vector<std::vector<std::string>> read;
  for (const auto& reply : *located) {
    if (reply->type == REDIS_REPLY_STRING) read.push_back({"GET", ReplyText(reply.get())});
  }
  auto stored = redis_.Pipeline(read);
  if (!stored) return Unavailable(stored.error().message);
  for (const auto& reply : *stored) {
    if (reply->type != REDIS_REPLY_STRING) continue;
    auto tx = TransactionFromJson(ReplyText(reply.get()));
    if (!tx) return tx.error();
    out.push_back(std::move(*tx));
  }
  return out;
}

Result<void> RedisSyncStore::Save(const Transaction& tx) {
  auto located = Run({"SET", keys::TransactionLocator(tx.id), TxKey(tx)});  // first, as in CreateIfAbsent
  if (!located) return located.error();
  auto saved = Run({"SET", TxKey(tx), ToJson(tx)});
  if (!saved) return saved.error();
  auto indexed = Index(tx, false);
  if (!indexed) return indexed.error();
  return {};
}

Result<void> RedisSyncStore::Index(const Transaction& tx, bool keep_time) {
  const std::string status(TxStatusName(tx.status));
  std::vector<std::string> args = {"EVAL",
                                   kIndexTransaction,
                                   "0",
                                   keys::TransactionIndex(),
                                   keys::TransactionsByStatus(status),
                                   keys::TransactionsByAccount(tx.account),
                                   keys::TransactionsByAccountStatus(tx.account, status),
                                   keys::TransactionsByOrder(tx.order_id)};
  for (TxStatus other : {TxStatus::kImported, TxStatus::kPosted, TxStatus::kFailed, TxStatus::kSkipped}) {
    if (other == tx.status) continue;
    args.push_back(keys::TransactionsByStatus(TxStatusName(other)));
    args.push_back(keys::TransactionsByAccountStatus(tx.account, TxStatusName(other)));
  }
  args[2] = std::to_string(args.size() - 3);
  args.push_back(std::to_string(tx.updated_ms));
  args.push_back(tx.id);
  args.push_back(keep_time ? "NX" : "");
  auto indexed = Run(args);
  if (!indexed) return indexed.error();
  return {};
}

Result<std::vector<std::string>> RedisSyncStore::ListIds(const ListFilter& filter, std::int64_t position, int count) {
  // The narrowest index the filter allows; the rest of the filter is checked on the transactions.
  std::string index = keys::TransactionIndex();
  if (filter.order_id) {
    index = keys::TransactionsByOrder(*filter.order_id);
  } else if (filter.account && filter.status) {
    index = keys::TransactionsByAccountStatus(*filter.account, *filter.status);
  } else if (filter.status) {
    index = keys::TransactionsByStatus(*filter.status);
  } else if (filter.account) {
    index = keys::TransactionsByAccount(*filter.account);
  }
  const std::string min = filter.since_ms ? std::to_string(*filter.since_ms) : "-inf";
  auto reply = Run({"ZREVRANGEBYSCORE", index, "+inf", min, "LIMIT", std::to_string(position), std::to_string(count)});
  if (!reply) return reply.error();
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < (*reply)->elements; ++i) ids.push_back(ReplyText((*reply)->element[i]));
  return ids;
}

Result<std::int64_t> RedisSyncStore::EnsureIndexes() {
  auto version = Run({"GET", keys::TransactionIndexVersion()});
  if (!version) return version.error();
  if ((*version)->type == REDIS_REPLY_STRING && ReplyText(version->get()) == "2") return 0;
  std::int64_t indexed = 0;
  for (std::int64_t start = 0;; start += 1000) {
    auto ids = Run({"ZRANGE", keys::TransactionIndex(), std::to_string(start), std::to_string(start + 999)});
    if (!ids) return ids.error();
    for (std::size_t i = 0; i < (*ids)->elements; ++i) {
      auto tx = Load(ReplyText((*ids)->element[i]));
      if (!tx) return tx.error();
      if (!*tx) continue;
      if (auto done = Index(**tx, true); !done) return done.error();
      ++indexed;
    }
    if ((*ids)->elements < 1000) break;
  }
  auto set = Run({"SET", keys::TransactionIndexVersion(), "2"});
  if (!set) return set.error();
  return indexed;
}

Result<void> RedisSyncStore::SaveFenced(const Transaction& tx, std::int64_t lease_token) {
  auto saved = Run({"EVAL", kSaveFenced, "2", keys::OrderLease(tx.account, tx.order_id), TxKey(tx),
                    std::to_string(lease_token), ToJson(tx)});
  if (!saved) return saved.error();
  if ((*saved)->integer != 1) return MakeError("lease_lost", "the order's lease expired before the result was stored");
  // The transaction is stored: that is what callers act on (e.g. a note saved before an irreversible call). Its
  // index entry exists since creation; failing to move it up the list only changes the order shown.
  (void)Index(tx, false);
  return {};
}

Result<std::optional<std::int64_t>> RedisSyncStore::AcquireOrderLease(const OrderKey& order, Duration ttl) {
  auto token = Run({"INCR", keys::LeaseFence()});
  if (!token) return token.error();
  const std::int64_t value = (*token)->integer;
  auto set = Run({"SET", keys::OrderLease(order.account, order.order_id), std::to_string(value), "NX", "PX",
                  std::to_string(ttl.count())});
  if (!set) return set.error();
  if ((*set)->type != REDIS_REPLY_STATUS) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(value);
}

Result<void> RedisSyncStore::ReleaseOrderLease(const OrderKey& order, std::int64_t token) {
  auto released =
      Run({"EVAL", kReleaseLease, "1", keys::OrderLease(order.account, order.order_id), std::to_string(token)});
  if (!released) return released.error();
  return {};
}

Result<void> RedisSyncStore::ScheduleRetry(const std::string& tx_id, std::int64_t due_ms) {
  auto added = Run({"ZADD", keys::RetrySet(), std::to_string(due_ms), tx_id});
  if (!added) return added.error();
  return {};
}

Result<void> RedisSyncStore::RemoveRetry(const std::string& tx_id) {
  auto removed = Run({"ZREM", keys::RetrySet(), tx_id});
  if (!removed) return removed.error();
  return {};
}

Result<std::vector<std::string>> RedisSyncStore::TakeDueRetries(std::int64_t now_ms, int limit, Duration visibility) {
  auto due = Run({"EVAL", kTakeDue, "1", keys::RetrySet(), std::to_string(now_ms), std::to_string(limit),
                  std::to_string(now_ms + visibility.count())});
  if (!due) return due.error();
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < (*due)->elements; ++i) ids.push_back(ReplyText((*due)->element[i]));
  return ids;
}

Result<void> RedisSyncStore::DeadLetter(const Transaction& tx) {
  auto added = Run({"XADD", keys::DeadLetters(), "*", "tx_id", tx.id, "account", tx.account, "source_record",
                    tx.source_record, "error", tx.error ? tx.error->code + ": " + tx.error->message : ""});
  if (!added) return added.error();
  return {};
}

Result<bool> RedisSyncStore::TryAcquireSlot(const std::string& holder, int limit, Duration ttl) {
  auto acquired = Run(
      {"EVAL", kAcquireSlot, "1", keys::NetSuiteSlots(), holder, std::to_string(limit), std::to_string(ttl.count())});
  if (!acquired) return acquired.error();
  return (*acquired)->integer == 1;
}

Result<void> RedisSyncStore::RenewSlots(const std::vector<std::string>& holders, Duration ttl) {
  std::vector<std::string> command = {"EVAL", kRenewSlots, "1", keys::NetSuiteSlots(), std::to_string(ttl.count())};
  command.insert(command.end(), holders.begin(), holders.end());
  auto renewed = Run(command);
  if (!renewed) return renewed.error();
  return {};
}

Result<void> RedisSyncStore::ReleaseSlot(const std::string& holder) {
  auto removed = Run({"ZREM", keys::NetSuiteSlots(), holder});
  if (!removed) return removed.error();
  return {};
}

Result<std::optional<std::string>> RedisSyncStore::CacheGet(const std::string& key) {
  auto reply = Run({"GET", keys::Cache(key)});
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_STRING) return std::optional<std::string>();
  return std::optional<std::string>(ReplyText(reply->get()));
}

Result<void> RedisSyncStore::CachePut(const std::string& key, const std::string& value, Duration ttl) {
  auto set = Run({"SET", keys::Cache(key), value, "PX", std::to_string(ttl.count())});
  if (!set) return set.error();
  return {};
}

Result<void> RedisSyncStore::SaveAuditReport(const std::string& account, const std::string& report_json) {
  auto set = Run({"SET", keys::AuditReport(account), report_json});
  if (!set) return set.error();
  return {};
}

Result<std::optional<std::string>> RedisSyncStore::LastAuditReport(const std::string& account) {
  auto reply = Run({"GET", keys::AuditReport(account)});
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_STRING) return std::optional<std::string>();
  return std::optional<std::string>(ReplyText(reply->get()));
}

Result<void> RedisSyncStore::SaveAuditRun(const std::string& account, const std::string& run_json) {
  auto set = Run({"SET", keys::AuditRun(account), run_json});
  if (!set) return set.error();
  return {};
}

Result<std::optional<std::string>> RedisSyncStore::LastAuditRun(const std::string& account) {
  auto reply = Run({"GET", keys::AuditRun(account)});
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_STRING) return std::optional<std::string>();
  return std::optional<std::string>(ReplyText(reply->get()));
}

Result<void> RedisSyncStore::SaveAcknowledgement(const std::string& account, const std::string& order_id,
                                                 const std::string& ack_json) {
  auto set = Run({"HSET", keys::AuditAcks(account), order_id, ack_json});
  if (!set) return set.error();
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> RedisSyncStore::Acknowledgements(const std::string& account) {
  auto reply = Run({"HGETALL", keys::AuditAcks(account)});
  if (!reply) return reply.error();
  std::vector<std::pair<std::string, std::string>> out;
  const redisReply* r = reply->get();
  if (r->type != REDIS_REPLY_ARRAY) return out;
  for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
    out.emplace_back(ReplyText(r->element[i]), ReplyText(r->element[i + 1]));
  }
  return out;
}

Result<std::int64_t> RedisSyncStore::FirstSeen(const std::string& account, std::int64_t now_ms) {
  auto set = Run({"SET", keys::FirstSeen(account), std::to_string(now_ms), "NX"});
  if (!set) return set.error();
  auto get = Run({"GET", keys::FirstSeen(account)});
  if (!get) return get.error();
  auto first_seen = ParseInt64(ReplyText(get->get()));
  if (!first_seen) return MakeError("store_unavailable", "the first-seen time of " + account + " is not a number");
  return *first_seen;
}

Result<std::optional<std::int64_t>> RedisSyncStore::Checkpoint(const std::string& account) {
  auto get = Run({"GET", keys::Checkpoint(account)});
  if (!get) return get.error();
  if ((*get)->type != REDIS_REPLY_STRING) return std::optional<std::int64_t>();
  auto checkpoint = ParseInt64(ReplyText(get->get()));
  if (!checkpoint) return MakeError("store_unavailable", "the checkpoint of " + account + " is not a number");
  return std::optional<std::int64_t>(*checkpoint);
}

Result<void> RedisSyncStore::SetCheckpoint(const std::string& account, std::int64_t ms) {
  auto set = Run({"SET", keys::Checkpoint(account), std::to_string(ms)});
  if (!set) return set.error();
  return {};
}

Result<bool> RedisSyncStore::TryAcquireRunnerLease(const std::string& account, const std::string& holder,
                                                   Duration ttl) {
  auto set = Run({"SET", keys::RunnerLease(account), holder, "NX", "PX", std::to_string(ttl.count())});
  if (!set) return set.error();
  return (*set)->type == REDIS_REPLY_STATUS;
}

Result<void> RedisSyncStore::ReleaseRunnerLease(const std::string& account, const std::string& holder) {
  auto released = Run({"EVAL", kReleaseLease, "1", keys::RunnerLease(account), holder});
  if (!released) return released.error();
  return {};
}

}  // namespace refundsync
