// Every store role of store/sync_store.h on Redis (transactions and their list indexes, per-order leases with
// fencing tokens, the delayed-retry set and the dead-letter stream, first-seen times, checkpoints and runner
// leases, small caches), plus the NetSuite concurrency slots the gate uses. Blocking calls over one connection:
// one thread at a time (a worker thread, an admin request). Key layout in key_layout.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/transaction.h"
#include "store/redis_connection.h"
#include "store/sync_store.h"

namespace refundsync {

class RedisSyncStore : public SyncStore {
 public:
  explicit RedisSyncStore(RedisConnection& redis) : redis_(redis) {}

  Result<Stored> CreateIfAbsent(const Transaction& tx) override;
  Result<std::optional<Transaction>> Load(const std::string& id) override;
  // In two round trips.
  Result<std::vector<Transaction>> LoadMany(const std::vector<std::string>& ids) override;
  Result<void> Save(const Transaction& tx) override;
  Result<void> SaveFenced(const Transaction& tx, std::int64_t lease_token) override;
  // From the one index that serves the filter.
  Result<std::vector<std::string>> ListIds(const ListFilter& filter, std::int64_t position, int count) override;
  // Puts every transaction into the filter indexes once (they came with version 2 of the layout); a no-op after.
  Result<std::int64_t> EnsureIndexes();

  Result<std::optional<std::int64_t>> AcquireOrderLease(const OrderKey& order, Duration ttl) override;
  Result<void> ReleaseOrderLease(const OrderKey& order, std::int64_t token) override;

  Result<void> ScheduleRetry(const std::string& tx_id, std::int64_t due_ms) override;
  Result<std::vector<std::string>> TakeDueRetries(std::int64_t now_ms, int limit, Duration visibility) override;
  Result<void> RemoveRetry(const std::string& tx_id) override;
  Result<void> DeadLetter(const Transaction& tx) override;

  Result<std::int64_t> FirstSeen(const std::string& account, std::int64_t now_ms) override;
  Result<std::optional<std::int64_t>> Checkpoint(const std::string& scope) override;
  Result<void> SetCheckpoint(const std::string& scope, std::int64_t ms) override;
  Result<bool> TryAcquireRunnerLease(const std::string& scope, const std::string& holder, Duration ttl) override;
  Result<void> ReleaseRunnerLease(const std::string& scope, const std::string& holder) override;

  Result<std::optional<std::string>> CacheGet(const std::string& key) override;
  Result<void> CachePut(const std::string& key, const std::string& value, Duration ttl) override;

  Result<void> SaveAuditReport(const std::string& account, const std::string& report_json) override;
  Result<std::optional<std::string>> LastAuditReport(const std::string& account) override;
  Result<void> SaveAuditRun(const std::string& account, const std::string& run_json) override;
  Result<std::optional<std::string>> LastAuditRun(const std::string& account) override;
  Result<void> SaveAcknowledgement(const std::string& account, const std::string& order_id,
                                   const std::string& ack_json) override;
  Result<std::vector<std::pair<std::string, std::string>>> Acknowledgements(const std::string& account) override;

  // NetSuite concurrency shared by every replica: a slot is held for at most `ttl` (a crashed holder frees it);
  // expiries are Redis's own time.
  Result<bool> TryAcquireSlot(const std::string& holder, int limit, Duration ttl);
  // Extends the expiry of slots this process still holds.
  Result<void> RenewSlots(const std::vector<std::string>& holders, Duration ttl);
  Result<void> ReleaseSlot(const std::string& holder);

 private:
  // Adds (or moves) the transaction in every list index: by update time, status, account, account and status,
  // order; `keep_time` leaves its time where it is when already there (a re-arrival is not an update).
  Result<void> Index(const Transaction& tx, bool keep_time);
  Result<RedisReply> Run(const std::vector<std::string>& args);
  Result<std::string> KeyOf(const std::string& tx_id);

  RedisConnection& redis_;
};

std::string TxKey(const Transaction& tx);

}  // namespace refundsync
