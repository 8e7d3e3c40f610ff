// The NetSuite side of RefundProcessor: a cash refund or credit memo created, edited or deleted in NetSuite (an
// event, or reconciliation). A new one is traced to its storefront order and imported; a change to one already
// posted is recorded for people, never reversed; one of no synced order becomes a failed transaction that says so.
#include "core/log.h"
#include "handlers/refund_processor.h"

namespace refundsync {

Result<void> RefundProcessor::RecordChangeAfterPosting(const AccountConfig& account, const Transaction& posted,
                                                       const std::string& event, const std::string& event_id,
                                                       SyncStore& store) const {
  // Money already returned on the storefront is never reversed automatically: record the change for people.
  // Named by the queued event, so its redelivery (a worker died before acknowledging) or replay meets the same
  // record instead of adding another; the clock only when there is no event.
  const std::int64_t now = clock_.NowMs();
  Transaction change = posted;
  change.source_record = posted.source_record + ":" + event + ":" + (event_id.empty() ? std::to_string(now) : event_id);
  change.id = TransactionId(account.id, change.source_record);
  change.history.clear();
  change.error.reset();
  change.attempts = 0;
  change.created_ms = now;
  change.Record(
      now, TxStatus::kSkipped,
      "changed after posting (" + event + " in NetSuite after " + posted.target_record + "); nothing reversed");
  Count("skipped");
  log::Warn("netsuite_refund_changed_after_posting",
            {{"tx", posted.id}, {"event", event}, {"target", posted.target_record}});
  if (auto stored = store.CreateIfAbsent(change); !stored) return stored.error();
  return {};
}

Result<void> RefundProcessor::HandleNetSuiteRecord(const std::string& record_type, const std::string& record_id,
                                                   const std::string& event, SyncStore& store,
                                                   const std::string& only_account, const std::string& event_id) const {
  const std::string source_record = "netsuite:" + record_type + ":" + record_id;
  // An edit or delete of a refund we already posted: found by its stable id in whichever account holds it.
  if (event == "edit" || event == "delete") {
    for (const auto& account : config_.accounts) {
      auto existing = store.Load(TransactionId(account.id, source_record));
      if (!existing) return existing.error();
      if (*existing && (*existing)->status == TxStatus::kPosted) {
        return RecordChangeAfterPosting(account, **existing, event, event_id, store);
      }
    }
    if (event == "delete") return {};  // never posted: nothing to do
  }
  auto resolved = from_netsuite_.Resolve(record_type, record_id, clock_.NowMs());
  if (!resolved) {
    if (IsRetryable(resolved.error())) return resolved.error();  // NetSuite unreachable: the event comes back
    // Not ours to post (e.g. not created from the billed record of a synced order): say so where people look.
    if (!only_account.empty()) return {};
    Transaction tx;
    tx.account = "netsuite";
    tx.direction = "from_netsuite";
    tx.source_record = source_record;
    tx.id = TransactionId(tx.account, source_record);
    tx.created_ms = clock_.NowMs();
    tx.error = resolved.error();
    tx.Record(clock_.NowMs(), TxStatus::kFailed, resolved.error().code + ": " + resolved.error().message);
    Count("failed");
    log::Warn("netsuite_refund_unmapped", {{"record", source_record}, {"error", resolved.error().code}});
    if (auto stored = store.CreateIfAbsent(tx); !stored) return stored.error();
    return {};
  }
  // One of ours whose event did not name it (an older SuiteScript, or reconciliation of any account): its memo,
  // read just now, does; remembered, so reconciliation does not read it again.
  if (resolved->marked_origin) {
    auto recorded = RecordEcho(*resolved->marked_origin, source_record, event == "create" ? "" : event, store);
    if (!recorded) return recorded.error();
    if (*recorded) return {};
  }
  if (!only_account.empty() && resolved->account->id != only_account) return {};
  auto imported = Import(*resolved->account, resolved->tx, store, true, SourceSystem::kNetSuite);
  if (!imported) return imported.error();
  return {};
}

Result<bool> RefundProcessor::IsKnownNetSuiteRecord(const std::string& record_type, const std::string& record_id,
                                                    SyncStore& store) const {
  const std::string source_record = "netsuite:" + record_type + ":" + record_id;
  // One of ours that came back has no transaction of its own.
  auto ours = store.CacheGet(KnownRecordKey(source_record));
  if (!ours) return ours.error();
  if (*ours) return true;
  std::vector<std::pair<std::string, bool>> holders{{"netsuite", false}};  // unmapped records are kept under "netsuite"
  for (const auto& account : config_.accounts) holders.emplace_back(account.id, account.auto_post);
  for (const auto& [account, auto_post] : holders) {
    auto existing = store.Load(TransactionId(account, source_record));
    if (!existing) return existing.error();
    if (*existing) return !((*existing)->status == TxStatus::kImported && auto_post);
  }
  return false;
}

}  // namespace refundsync
