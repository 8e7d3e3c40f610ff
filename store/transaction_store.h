// Transactions, per-order leases with fencing tokens, the delayed-retry set, the dead-letter stream, the shared
// NetSuite concurrency slots and small caches, on Redis. Blocking calls: used from worker threads, each with
// its own connection. Key layout in key_layout.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/transaction.h"
#include "store/redis_connection.h"

namespace refundsync {

struct OrderKey {
  std::string account;
  std::string order_id;
};

class TransactionStore {
 public:
  explicit TransactionStore(RedisConnection& redis) : redis_(redis) {}

  struct Stored {
    Transaction tx;  // as stored: `tx` itself when created, else the one that was there
    bool created = false;
  };
  // Stores `tx` unless a transaction with its id exists.
  Result<Stored> CreateIfAbsent(const Transaction& tx);
  Result<std::optional<Transaction>> Load(const std::string& id);
  // Several at once, in two round trips (a page of the list); missing ones are left out.
  Result<std::vector<Transaction>> LoadMany(const std::vector<std::string>& ids);
  // Saves unconditionally (no lease needed: imported/skipped records, retry bookkeeping).
  Result<void> Save(const Transaction& tx);
  // Saves only while `lease_token` still holds the order's lease: a worker that lost its lease (stalled past the
  // lease time) cannot overwrite what the new holder wrote. Error "lease_lost" otherwise.
  Result<void> SaveFenced(const Transaction& tx, std::int64_t lease_token);

  // The list's filters (GET /api/transactions): any of status, account, order id, and updated since.
  struct ListFilter {
    std::optional<std::string> status, account, order_id;
    std::optional<std::int64_t> since_ms;
  };
  // Ids most recently updated first, from the one index that serves the filter, starting at `position` in it.
  // Callers still check each loaded transaction against the filter (an index entry can be older than its
  // transaction by one write).
  Result<std::vector<std::string>> ListIds(const ListFilter& filter, std::int64_t position, int count);
  // Puts every transaction into the filter indexes once (they came with version 2 of the layout); a no-op after.
  Result<std::int64_t> EnsureIndexes();

  // Per-order lease: refunds of one order are processed one at a time. Returns the fencing token, or nullopt
  // when another worker holds it.
  Result<std::optional<std::int64_t>> AcquireOrderLease(const OrderKey& order, Duration ttl);
  Result<void> ReleaseOrderLease(const OrderKey& order, std::int64_t token);

  // Delayed retries: a sorted set of transaction ids by due time. Also the watchdog of every post in progress: a
  // transaction stays in the set until it is finished, so a worker dying at any point cannot strand it.
  Result<void> ScheduleRetry(const std::string& tx_id, std::int64_t due_ms);
  // Due ids, each made due again after `visibility` in case the taker dies before finishing it.
  Result<std::vector<std::string>> TakeDueRetries(std::int64_t now_ms, int limit, Duration visibility);
  Result<void> RemoveRetry(const std::string& tx_id);
  Result<void> DeadLetter(const Transaction& tx);

  // NetSuite concurrency shared by every replica: a slot is held for at most `ttl` (a crashed holder frees it).
  // NetSuite concurrency slots; expiries are Redis's own time.
  Result<bool> TryAcquireSlot(const std::string& holder, int limit, Duration ttl);
  // Extends the expiry of slots this process still holds.
  Result<void> RenewSlots(const std::vector<std::string>& holders, Duration ttl);
  Result<void> ReleaseSlot(const std::string& holder);

  // Small JSON caches of stable upstream facts (an order's sales order and billed record).
  Result<std::optional<std::string>> CacheGet(const std::string& key);
  Result<void> CachePut(const std::string& key, const std::string& value, Duration ttl);

  // The first time the service saw an account: its default sync_since.
  Result<std::int64_t> FirstSeen(const std::string& account, std::int64_t now_ms);

  // Reconciliation checkpoint and the lease that keeps one runner per account across replicas.
  Result<std::optional<std::int64_t>> Checkpoint(const std::string& account);
  Result<void> SetCheckpoint(const std::string& account, std::int64_t ms);
  Result<bool> TryAcquireRunnerLease(const std::string& account, const std::string& holder, Duration ttl);
  Result<void> ReleaseRunnerLease(const std::string& account, const std::string& holder);

  // Ids of transactions, most recently updated first (for listing).
  Result<std::vector<std::string>> RecentIds(int limit);


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
