#include "handlers/shopify_reconciler.h"

#include "core/log.h"
#include "core/time.h"
#include "handlers/reconcile_window.h"
#include "handlers/refund_source.h"

namespace refundsync {
namespace {

constexpr Duration kRunnerLease = std::chrono::minutes(10);

}  // namespace

Result<ReconcileReport> ShopifyReconciler::RunOnce(const AccountConfig& account, SyncStore& store,
                                                   const std::string& holder) const {
  ReconcileReport report;
  auto client = shopify_.find(account.id);
  if (client == shopify_.end()) return MakeError("direction_mismatch", account.id + " is not a Shopify account");
  auto leased = store.TryAcquireRunnerLease(account.id, holder, kRunnerLease);
  if (!leased) return leased.error();
  if (!*leased) return report;
  report.ran = true;
  const std::int64_t started = clock_.NowMs();
  auto start = ReconcileStart(account, account.id, store, started);
  if (!start) return start.error();
  std::int64_t since = *start;
  report.since = FormatRfc3339Ms(since);
  // Ids first (a cheap query); each refund not known yet is then read whole, as a webhook would have had it read.
  auto refunds = client->second->RefundIdsOfOrdersUpdatedSince(report.since);
  if (!refunds) {
    (void)store.ReleaseRunnerLease(account.id, holder);
    return refunds.error();
  }
  for (const auto& ref : *refunds) {
    auto imported = processor_.ImportShopifyRefund(
        account, ref.refund_id, TransactionFromShopifyRef(account, ref, clock_.NowMs()), store, true);
    if (!imported) {
      (void)store.ReleaseRunnerLease(account.id, holder);
      return imported.error();
    }
    report.refunds_seen += 1;
  }
  if (auto set = store.SetCheckpoint(account.id, started); !set) return set.error();
  (void)store.ReleaseRunnerLease(account.id, holder);
  log::Info("reconcile_done",
            {{"account", account.id}, {"since", report.since}, {"refunds_seen", report.refunds_seen}});
  return report;
}

}  // namespace refundsync
