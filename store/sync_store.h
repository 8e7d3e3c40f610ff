// What the sync engine keeps between events, by role, as interfaces: the handlers, the admin routes and the CLI
// see only these; store/redis_sync_store.h implements every role on Redis (one connection, one thread), and
// store/memory_sync_store.h in memory for the refund rules' unit tests and the dry run.
//
// Threading: an implementation is used by one thread at a time (a worker thread, an admin request). Every call
// may fail with store_unavailable; the caller then leaves its event unacknowledged, so nothing is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/duration.h"
#include "core/result.h"
#include "core/transaction.h"

namespace refundsync {

// Transactions by id (contract section 6), and the indexes of the transactions list.
class TransactionRepository {
 public:
  virtual ~TransactionRepository() = default;

  struct Stored {
    Transaction tx;  // as stored: `tx` itself when created, else the one that was there
    bool created = false;
  };
  // Stores `tx` unless a transaction with its id exists.
  virtual Result<Stored> CreateIfAbsent(const Transaction& tx) = 0;
  virtual Result<std::optional<Transaction>> Load(const std::string& id) = 0;
  // Several at once (a page of the list); missing ones are left out.
  virtual Result<std::vector<Transaction>> LoadMany(const std::vector<std::string>& ids) = 0;
  // Saves unconditionally (no lease needed: imported/skipped records, retry bookkeeping).
  virtual Result<void> Save(const Transaction& tx) = 0;
  // Saves only while `lease_token` still holds the order's lease (OrderLeases): a worker that lost its lease
  // (stalled past the lease time) cannot overwrite what the new holder wrote. Error "lease_lost" otherwise.
  virtual Result<void> SaveFenced(const Transaction& tx, std::int64_t lease_token) = 0;

  // The list's filters (GET /api/transactions): any of status, account, order id, and updated since.
  struct ListFilter {
    std::optional<std::string> status, account, order_id;
    std::optional<std::int64_t> since_ms;
  };
  // Ids most recently updated first, starting at `position` in the order that serves the filter. Callers still
  // check each loaded transaction against the filter (an index entry can be older than its transaction by one
  // write).
  virtual Result<std::vector<std::string>> ListIds(const ListFilter& filter, std::int64_t position, int count) = 0;
};

// Which account and storefront order a lease is for.
struct OrderKey {
  std::string account;
  std::string order_id;
};

// Per-order leases: refunds of one order are posted one at a time, across every replica.
class OrderLeases {
 public:
  virtual ~OrderLeases() = default;
  // The fencing token, or nullopt when another worker holds the lease.
  virtual Result<std::optional<std::int64_t>> AcquireOrderLease(const OrderKey& order, Duration ttl) = 0;
  virtual Result<void> ReleaseOrderLease(const OrderKey& order, std::int64_t token) = 0;
};

// Delayed retries and dead letters. The retry set is also the watchdog of every post in progress: a transaction
// stays in it until it is finished, so a worker dying at any point cannot strand it.
class RetryQueue {
 public:
  virtual ~RetryQueue() = default;
  virtual Result<void> ScheduleRetry(const std::string& tx_id, std::int64_t due_ms) = 0;
  // Due ids, each made due again after `visibility` in case the taker dies before finishing it.
  virtual Result<std::vector<std::string>> TakeDueRetries(std::int64_t now_ms, int limit, Duration visibility) = 0;
  virtual Result<void> RemoveRetry(const std::string& tx_id) = 0;
  virtual Result<void> DeadLetter(const Transaction& tx) = 0;
};

// What reconciliation and the cut-over remember per account.
class ReconcileState {
 public:
  virtual ~ReconcileState() = default;
  // The first time the service saw an account (stored on the first call): its default sync_since.
  virtual Result<std::int64_t> FirstSeen(const std::string& account, std::int64_t now_ms) = 0;
  virtual Result<std::optional<std::int64_t>> Checkpoint(const std::string& scope) = 0;
  virtual Result<void> SetCheckpoint(const std::string& scope, std::int64_t ms) = 0;
  // One runner per scope across replicas.
  virtual Result<bool> TryAcquireRunnerLease(const std::string& scope, const std::string& holder, Duration ttl) = 0;
  virtual Result<void> ReleaseRunnerLease(const std::string& scope, const std::string& holder) = 0;
};

// Small facts kept between attempts of one refund (when a create NetSuite did not answer was sent), expiring.
class FactsStore {
 public:
  virtual ~FactsStore() = default;
  virtual Result<std::optional<std::string>> CacheGet(const std::string& key) = 0;
  virtual Result<void> CachePut(const std::string& key, const std::string& value, Duration ttl) = 0;
};

// The refund audit's memory (contract section 6a): the last completed report per account, the latest run's status
// (running, done or failed) beside it, and the operators' acknowledgements of intended differences, per account and
// order (kept apart from the report, so a report being stored never loses an acknowledgement).
class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual Result<void> SaveAuditReport(const std::string& account, const std::string& report_json) = 0;
  virtual Result<std::optional<std::string>> LastAuditReport(const std::string& account) = 0;
  virtual Result<void> SaveAuditRun(const std::string& account, const std::string& run_json) = 0;
  virtual Result<std::optional<std::string>> LastAuditRun(const std::string& account) = 0;
  virtual Result<void> SaveAcknowledgement(const std::string& account, const std::string& order_id,
                                           const std::string& ack_json) = 0;
  // Order id -> the acknowledgement's JSON.
  virtual Result<std::vector<std::pair<std::string, std::string>>> Acknowledgements(const std::string& account) = 0;
};

// Every role, over one connection: what a worker thread or an admin request holds.
class SyncStore : public TransactionRepository,
                  public OrderLeases,
                  public RetryQueue,
                  public ReconcileState,
                  public FactsStore,
                  public AuditStore {};

}  // namespace refundsync
