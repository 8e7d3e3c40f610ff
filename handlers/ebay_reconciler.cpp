#include "handlers/ebay_reconciler.h"

#include "core/log.h"
#include "core/time.h"
#include "handlers/reconcile_window.h"

namespace refundsync {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// getOrders by lastmodifieddate reaches back two years (eBay Sell Fulfillment OAS v1.20; older starts are refused
// with 30830); less a day of margin.
constexpr std::int64_t kSearchReachMs = 730 * kDayMs - kDayMs;
constexpr Duration kRunnerLease = std::chrono::minutes(10);

}  // namespace

Result<ReconcileReport> EbayReconciler::RunOnce(const AccountConfig& account, SyncStore& store,
                                                const std::string& holder) const {
  ReconcileReport report;
  EbayStorefront* ebay = processor_.EbayFor(account.id);
  if (ebay == nullptr) return MakeError("direction_mismatch", "account " + account.id + " is not an eBay account");
  auto leased = store.TryAcquireRunnerLease(account.id, holder, kRunnerLease);
  if (!leased) return leased.error();
  if (!*leased) return report;  // another replica is reconciling this account
  report.ran = true;
  const std::int64_t started = clock_.NowMs();
  auto start = ReconcileStart(account, account.id, store, started);
  if (!start) return start.error();
  std::int64_t since = *start;
  if (since < started - kSearchReachMs) {
    report.warning = "eBay's order search reaches back two years: refunds before " +
                     FormatRfc3339Ms(started - kSearchReachMs) + " must be retrieved by order id";
    log::Warn("reconcile_window_capped", {{"account", account.id}, {"wanted_since", FormatRfc3339Ms(since)}});
    since = started - kSearchReachMs;
  }
  report.since = FormatRfc3339Ms(since);
  auto orders = ebay->OrdersModifiedSince(report.since, {});
  if (!orders) {
    (void)store.ReleaseRunnerLease(account.id, holder);
    return orders.error();
  }
  for (const auto& order : *orders) {
    auto imported = processor_.ImportEbayOrder(account, order, store);
    if (!imported) {
      (void)store.ReleaseRunnerLease(account.id, holder);
      return imported.error();
    }
    report.orders += 1;
    report.refunds_seen += *imported;
  }
  // Only after every order was imported: a pass that fails midway is repeated from the old checkpoint.
  if (auto set = store.SetCheckpoint(account.id, started); !set) return set.error();
  (void)store.ReleaseRunnerLease(account.id, holder);
  log::Info("reconcile_done", {{"account", account.id},
                               {"since", report.since},
                               {"orders", report.orders},
                               {"refunds_seen", report.refunds_seen}});
  return report;
}

}  // namespace refundsync
