#include "handlers/shopify_reconciler.h"

#include "core/log.h"
#include "core/time.h"
#include "handlers/refund_source.h"

namespace refundsync {
namespace {

constexpr std::int64_t kOverlapMs = 120'000;
constexpr Duration kRunnerLease = std::chrono::minutes(10);

}  // namespace

Result<ReconcileReport> ShopifyReconciler::RunOnce(const AccountConfig& account, TransactionStore& store,
                                                   const std::string& holder) const {
  ReconcileReport report;
  auto client = shopify_.find(account.id);
  if (client == shopify_.end()) return MakeError("direction_mismatch", account.id + " is not a Shopify account");
  auto leased = store.TryAcquireRunnerLease(account.id, holder, kRunnerLease);
  if (!leased) return leased.error();
  if (!*leased) return report;
  report.ran = true;
  const std::int64_t started = clock_.NowMs();
  auto checkpoint = store.Checkpoint(account.id);
  if (!checkpoint) return checkpoint.error();
  std::int64_t since = 0;
  if (*checkpoint) {
    since = **checkpoint - kOverlapMs;
  } else if (account.sync_since_ms) {
    since = *account.sync_since_ms;
  } else {
    auto first_seen = store.FirstSeen(account.id, started);
    if (!first_seen) return first_seen.error();
    since = *first_seen;
  }
  if (account.sync_since_ms) since = std::max(since, *account.sync_since_ms);
  report.since = FormatRfc3339Ms(since);
  auto refunds = client->second->RefundsOfOrdersUpdatedSince(report.since);
  if (!refunds) {
    (void)store.ReleaseRunnerLease(account.id, holder);
    return refunds.error();
  }
  for (const auto& refund : *refunds) {
    WebhookEvent event;
    event.source = WebhookSource::kShopify;
    event.account = account.id;
    event.kind = EventKind::kStorefrontRefund;
    event.order_id = refund.order_id;
    event.refund_id = refund.refund_id;
    event.created_at = refund.created_at;
    event.amount = refund.amount;
    event.shipping = refund.shipping;
    event.lines = refund.lines;
    auto imported = processor_.Import(account, TransactionFromShopifyRefund(account, event, clock_.NowMs()), store, true);
    if (!imported) {
      (void)store.ReleaseRunnerLease(account.id, holder);
      return imported.error();
    }
    report.refunds_seen += 1;
  }
  if (auto set = store.SetCheckpoint(account.id, started); !set) return set.error();
  (void)store.ReleaseRunnerLease(account.id, holder);
  log::Info("reconcile_done", {{"account", account.id}, {"since", report.since}, {"refunds_seen", report.refunds_seen}});
  return report;
}

}  // namespace refundsync
