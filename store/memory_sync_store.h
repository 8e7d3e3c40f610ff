// Every store role in memory (store/sync_store.h): transactions, order leases with fencing tokens, the retry set and
// dead letters, first-seen times, checkpoints and runner leases, facts. For the refund rules' unit tests and the
// dry run's plan (replay --dry-run), where nothing may be stored. Time-to-live is ignored except where a test moves
// it (`ExpireLeases`). One thread at a time, like the Redis one.
#pragma once

#include <map>
#include <set>

#include "store/sync_store.h"

namespace refundsync {

class MemorySyncStore : public SyncStore {
 public:
  Result<Stored> CreateIfAbsent(const Transaction& tx) override;
  Result<std::optional<Transaction>> Load(const std::string& id) override;
  Result<std::vector<Transaction>> LoadMany(const std::vector<std::string>& ids) override;
  Result<void> Save(const Transaction& tx) override;
  Result<void> SaveFenced(const Transaction& tx, std::int64_t lease_token) override;
  Result<std::vector<std::string>> ListIds(const ListFilter& filter, std::int64_t position, int count) override;

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

  // For assertions and for setting a scene.
  std::map<std::string, Transaction> transactions;
  std::map<std::string, std::int64_t> retries;  // tx id -> due ms
  std::vector<Transaction> dead_letters;
  std::map<std::string, std::int64_t> first_seen;
  // A lease held by someone else (another replica): its order is busy until released.
  void HoldLease(const OrderKey& order) { leases_[Key(order)] = ++next_token_; }
  void ExpireLeases() { leases_.clear(); }
  // Every call fails with store_unavailable (Redis down) while set.
  bool down = false;

 private:
  static std::string Key(const OrderKey& order) { return order.account + "|" + order.order_id; }
  Error Down() const { return MakeError("store_unavailable", "the store is down"); }

  std::map<std::string, std::int64_t> leases_;  // order -> token
  std::int64_t next_token_ = 0;
  std::map<std::string, std::int64_t> checkpoints_;
  std::map<std::string, std::string> runner_leases_;
  std::map<std::string, std::string> facts_;
  std::map<std::string, std::string> audit_reports_;
  std::map<std::string, std::string> audit_runs_;
  std::map<std::string, std::map<std::string, std::string>> audit_acks_;
};

}  // namespace refundsync
