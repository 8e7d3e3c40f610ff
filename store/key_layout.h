// The Redis key layout, documented once.
//
// Every key starts with "rs:". The keys one script touches share a hash tag ({...}), so the layout is ready for
// Redis Cluster (hiredis 0.14 has no cluster client: layout only) and events spread over kShardCount shards,
// each with its own tag:
//
//   rs:{s<N>}:dedupe:<source>:<account>:<id>  STRING  event id of the first delivery; expires after dedupe.window
//   rs:{s<N>}:captures                        STREAM  byte-exact captures (verdict accepted|duplicate|ignored) of
//                                                     shard N; trimmed to captures.max_entries / kShardCount
//                                                     and captures.max_age, and to its share of
//                                                     captures.max_bytes (ingest.lua)
//   rs:{s<N>}:capture-bytes                   STRING  bytes held by that capture stream (ingest.lua)
//   rs:{s<N>}:events                          STREAM  the work queue of shard N for the workers (never trimmed
//                                                     by the ingress: entries leave when handled)
//   rs:{health}:probe                         STRING  written by each replica's health check (PX 60 s): readiness
//                                                     means Redis takes writes, not only that it answers
//   rs:{rejected}:captures                    STREAM  captures of rejected requests (401, 413), under their own
//                                                     smaller cap (a tenth of captures.max_bytes, bodies kept
//                                                     as a prefix) so a flood cannot push out real captures
//
// The workers' keys:
//
//   rs:{o:<account>:<order>}:lease            STRING  per-order lease: the holder's fencing token; PX expiry
//   rs:{o:<account>:<order>}:tx:<tx id>       STRING  a transaction (JSON); same tag as its order's lease, so the
//                                                     fenced save checks the lease and writes in one script
//   rs:{tx:<tx id>}:key                       STRING  where that transaction lives (set once)
//   rs:{txindex}:updated                      ZSET    transaction ids by last update (ms), for listing
//   rs:{txindex}:status:<status>              ZSET    the same, by status; and by account, account and status,
//   rs:{txindex}:account:<account>            ZSET    and storefront order id: each filter of the transactions
//   rs:{txindex}:account-status:<a>:<status>  ZSET    list reads one index, so a filtered page costs what an
//   rs:{txindex}:order:<order id>             ZSET    unfiltered one does (RedisSyncStore::Index)
//   rs:{txindex}:version                      STRING  "2" once every transaction is in the filter indexes
//   rs:{work}:fence                           STRING  counter giving lease fencing tokens
//   rs:{work}:retry                           ZSET    transaction ids by due time (ms): the delayed-retry set
//   rs:{work}:deadletter                      STREAM  transactions that failed their last attempt
//   rs:{work}:netsuite-slots                  ZSET    holders of the shared NetSuite concurrency, by expiry
//   rs:{cache}:<name>                         STRING  cached stable upstream facts (an order's sales order...)
//   rs:{acct:<account>}:first-seen|checkpoint|runner   the default sync_since, the reconciliation checkpoint,
//                                                     the lease that keeps one reconciliation runner per account
//
// N is FNV-1a of "<source>:<account>:<id>" modulo kShardCount. An event id (the `event_id` of a webhook
// response) is "<N>-<stream entry id>" for shard captures and "r-<stream entry id>" for rejected ones.
// Changing kShardCount re-shards dedupe keys: do it only with empty queues and an expired dedupe window.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace refundsync::keys {

constexpr int kShardCount = 8;

inline int ShardOf(std::string_view dedupe_key_id) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : dedupe_key_id) {
    hash ^= c;
    hash *= 16777619u;
  }
  return static_cast<int>(hash % kShardCount);
}

inline std::string ShardTag(int shard) { return "rs:{s" + std::to_string(shard) + "}:"; }
inline std::string Dedupe(int shard, std::string_view id) { return ShardTag(shard) + "dedupe:" + std::string(id); }
inline std::string Captures(int shard) { return ShardTag(shard) + "captures"; }
inline std::string CaptureBytes(int shard) { return ShardTag(shard) + "capture-bytes"; }
inline std::string Events(int shard) { return ShardTag(shard) + "events"; }
inline std::string RejectedCaptures() { return "rs:{rejected}:captures"; }
inline std::string HealthProbe() { return "rs:{health}:probe"; }

inline std::string OrderTag(std::string_view account, std::string_view order) {
  return "rs:{o:" + std::string(account) + ":" + std::string(order) + "}:";
}
inline std::string OrderLease(std::string_view account, std::string_view order) {
  return OrderTag(account, order) + "lease";
}
inline std::string Transaction(std::string_view account, std::string_view order, std::string_view id) {
  return OrderTag(account, order) + "tx:" + std::string(id);
}
inline std::string TransactionLocator(std::string_view id) { return "rs:{tx:" + std::string(id) + "}:key"; }
inline std::string TransactionIndex() { return "rs:{txindex}:updated"; }
inline std::string TransactionsByStatus(std::string_view status) {
  return "rs:{txindex}:status:" + std::string(status);
}
inline std::string TransactionsByAccount(std::string_view account) {
  return "rs:{txindex}:account:" + std::string(account);
}
inline std::string TransactionsByAccountStatus(std::string_view account, std::string_view status) {
  return "rs:{txindex}:account-status:" + std::string(account) + ":" + std::string(status);
}
inline std::string TransactionsByOrder(std::string_view order_id) {
  return "rs:{txindex}:order:" + std::string(order_id);
}
inline std::string TransactionIndexVersion() { return "rs:{txindex}:version"; }
inline std::string LeaseFence() { return "rs:{work}:fence"; }
inline std::string RetrySet() { return "rs:{work}:retry"; }
inline std::string DeadLetters() { return "rs:{work}:deadletter"; }
inline std::string NetSuiteSlots() { return "rs:{work}:netsuite-slots"; }
inline std::string Cache(std::string_view name) { return "rs:{cache}:" + std::string(name); }
inline std::string FirstSeen(std::string_view account) { return "rs:{acct:" + std::string(account) + "}:first-seen"; }
inline std::string Checkpoint(std::string_view account) { return "rs:{acct:" + std::string(account) + "}:checkpoint"; }
inline std::string RunnerLease(std::string_view account) { return "rs:{acct:" + std::string(account) + "}:runner"; }
// The refund audit: the last report (a string of JSON) and the acknowledgements (a hash: order id -> JSON).
inline std::string AuditReport(std::string_view account) { return "rs:{acct:" + std::string(account) + "}:audit"; }
inline std::string AuditRun(std::string_view account) { return "rs:{acct:" + std::string(account) + "}:audit-run"; }
inline std::string AuditAcks(std::string_view account) { return "rs:{acct:" + std::string(account) + "}:audit-acks"; }
inline constexpr std::string_view kWorkerGroup = "workers";

inline std::string EventIdPrefix(int shard) { return std::to_string(shard) + "-"; }
inline constexpr std::string_view kRejectedEventIdPrefix = "r-";

}  // namespace refundsync::keys
