#include "store/memory_sync_store.h"

#include <algorithm>

namespace refundsync {

Result<MemorySyncStore::Stored> MemorySyncStore::CreateIfAbsent(const Transaction& tx) {
  if (down) return Down();
  auto [it, created] = transactions.emplace(tx.id, tx);
  return Stored{it->second, created};
}

Result<std::optional<Transaction>> MemorySyncStore::Load(const std::string& id) {
  if (down) return Down();
  auto it = transactions.find(id);
  return it == transactions.end() ? std::optional<Transaction>() : std::make_optional(it->second);
}

Result<std::vector<Transaction>> MemorySyncStore::LoadMany(const std::vector<std::string>& ids) {
  if (down) return Down();
  std::vector<Transaction> found;
  for (const auto& id : ids) {
    if (auto it = transactions.find(id); it != transactions.end()) found.push_back(it->second);
  }
  return found;
}

Result<void> MemorySyncStore::Save(const Transaction& tx) {
  if (down) return Down();
  transactions[tx.id] = tx;
  return {};
}

Result<void> MemorySyncStore::SaveFenced(const Transaction& tx, std::int64_t lease_token) {
  if (down) return Down();
  auto lease = leases_.find(Key(OrderKey{tx.account, tx.order_id}));
  if (lease == leases_.end() || lease->second != lease_token)
    return MakeError("lease_lost", "the order's lease was lost");
  transactions[tx.id] = tx;
  return {};
}

Result<std::vector<std::string>> MemorySyncStore::ListIds(const ListFilter& filter, std::int64_t position, int count) {
  if (down) return Down();
  std::vector<const Transaction*> matching;
  for (const auto& [id, tx] : transactions) {
    if (filter.status && TxStatusName(tx.status) != *filter.status) continue;
    if (filter.account && tx.account != *filter.account) continue;
    if (filter.order_id && tx.order_id != *filter.order_id) continue;
    if (filter.since_ms && tx.updated_ms < *filter.since_ms) continue;
    matching.push_back(&tx);
  }
  std::sort(matching.begin(), matching.end(), [](const Transaction* a, const Transaction* b) {
    return a->updated_ms != b->updated_ms ? a->updated_ms > b->updated_ms : a->id > b->id;
  });
  std::vector<std::string> ids;
  for (std::size_t i = static_cast<std::size_t>(position); i < matching.size() && static_cast<int>(ids.size()) < count;
       ++i) {
    ids.push_back(matching[i]->id);
  }
  return ids;
}

Result<std::optional<std::int64_t>> MemorySyncStore::AcquireOrderLease(const OrderKey& order, Duration /*ttl*/) {
  if (down) return Down();
  if (leases_.count(Key(order))) return std::optional<std::int64_t>();
  leases_[Key(order)] = ++next_token_;
  return std::make_optional(next_token_);
}

Result<void> MemorySyncStore::ReleaseOrderLease(const OrderKey& order, std::int64_t token) {
  if (down) return Down();
  if (auto it = leases_.find(Key(order)); it != leases_.end() && it->second == token) leases_.erase(it);
  return {};
}

Result<void> MemorySyncStore::ScheduleRetry(const std::string& tx_id, std::int64_t due_ms) {
  if (down) return Down();
  retries[tx_id] = due_ms;
  return {};
}

Result<std::vector<std::string>> MemorySyncStore::TakeDueRetries(std::int64_t now_ms, int limit, Duration visibility) {
  if (down) return Down();
  std::vector<std::string> due;
  for (auto& [id, at] : retries) {
    if (at > now_ms || static_cast<int>(due.size()) >= limit) continue;
    due.push_back(id);
    at = now_ms + visibility.count();
  }
  return due;
}

Result<void> MemorySyncStore::RemoveRetry(const std::string& tx_id) {
  if (down) return Down();
  retries.erase(tx_id);
  return {};
}

Result<void> MemorySyncStore::DeadLetter(const Transaction& tx) {
  if (down) return Down();
  dead_letters.push_back(tx);
  return {};
}

Result<std::int64_t> MemorySyncStore::FirstSeen(const std::string& account, std::int64_t now_ms) {
  if (down) return Down();
  return first_seen.emplace(account, now_ms).first->second;
}

Result<std::optional<std::int64_t>> MemorySyncStore::Checkpoint(const std::string& scope) {
  if (down) return Down();
  auto it = checkpoints_.find(scope);
  return it == checkpoints_.end() ? std::optional<std::int64_t>() : std::make_optional(it->second);
}

Result<void> MemorySyncStore::SetCheckpoint(const std::string& scope, std::int64_t ms) {
  if (down) return Down();
  checkpoints_[scope] = ms;
  return {};
}

Result<bool> MemorySyncStore::TryAcquireRunnerLease(const std::string& scope, const std::string& holder,
                                                    Duration /*ttl*/) {
  if (down) return Down();
  auto [it, acquired] = runner_leases_.emplace(scope, holder);
  return acquired || it->second == holder;
}

Result<void> MemorySyncStore::ReleaseRunnerLease(const std::string& scope, const std::string& holder) {
  if (down) return Down();
  if (auto it = runner_leases_.find(scope); it != runner_leases_.end() && it->second == holder)
    runner_leases_.erase(it);
  return {};
}

Result<std::optional<std::string>> MemorySyncStore::CacheGet(const std::string& key) {
  if (down) return Down();
  auto it = facts_.find(key);
  return it == facts_.end() ? std::optional<std::string>() : std::make_optional(it->second);
}

Result<void> MemorySyncStore::CachePut(const std::string& key, const std::string& value, Duration /*ttl*/) {
  if (down) return Down();
  facts_[key] = value;
  return {};
}

Result<void> MemorySyncStore::SaveAuditReport(const std::string& account, const std::string& report_json) {
  if (down) return Down();
  audit_reports_[account] = report_json;
  return {};
}

Result<std::optional<std::string>> MemorySyncStore::LastAuditReport(const std::string& account) {
  if (down) return Down();
  auto it = audit_reports_.find(account);
  return it == audit_reports_.end() ? std::optional<std::string>() : std::make_optional(it->second);
}

Result<void> MemorySyncStore::SaveAuditRun(const std::string& account, const std::string& run_json) {
  if (down) return Down();
  audit_runs_[account] = run_json;
  return {};
}

Result<std::optional<std::string>> MemorySyncStore::LastAuditRun(const std::string& account) {
  if (down) return Down();
  auto it = audit_runs_.find(account);
  return it == audit_runs_.end() ? std::optional<std::string>() : std::make_optional(it->second);
}

Result<void> MemorySyncStore::SaveAcknowledgement(const std::string& account, const std::string& order_id,
                                                  const std::string& ack_json) {
  if (down) return Down();
  audit_acks_[account][order_id] = ack_json;
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> MemorySyncStore::Acknowledgements(const std::string& account) {
  if (down) return Down();
  std::vector<std::pair<std::string, std::string>> out;
  if (auto it = audit_acks_.find(account); it != audit_acks_.end()) out.assign(it->second.begin(), it->second.end());
  return out;
}

}  // namespace refundsync
