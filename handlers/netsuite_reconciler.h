// Reconciliation of NetSuite refunds for accounts that sync from NetSuite: NetSuite does not retry its outbound
// calls, so a lost event would be a lost refund. On the reconcile interval, the ledger lists the cash refunds and
// credit memos created or modified since the checkpoint, and each goes through the same path as an event.
#pragma once

#include "handlers/ebay_reconciler.h"
#include "handlers/netsuite_ledger.h"
#include "handlers/refund_processor.h"

namespace refundsync {

class NetSuiteReconciler {
 public:
  NetSuiteReconciler(const RefundProcessor& processor, NetSuiteLedger& ledger, const Clock& clock)
      : processor_(processor), ledger_(ledger), clock_(clock) {}

  // `only_account`: reconcile one account's records (the CLI's --account); empty: every account.
  Result<ReconcileReport> RunOnce(const std::string& only_account, std::int64_t not_before_ms, SyncStore& store,
                                  const std::string& holder) const;

 private:
  const RefundProcessor& processor_;
  NetSuiteLedger& ledger_;
  const Clock& clock_;
};

}  // namespace refundsync
