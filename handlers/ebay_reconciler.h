// Reconciliation for eBay accounts that sync to NetSuite: eBay's notification platform has no refund topic, so
// refunds are found by listing orders modified since the account's checkpoint. One runner per account across
// replicas (a lease); never earlier than sync_since; eBay's order search reaches back two years at most.
#pragma once

#include "handlers/refund_processor.h"

namespace refundsync {

struct ReconcileReport {
  bool ran = false;  // false when another runner holds the account's lease
  int orders = 0;
  int refunds_seen = 0;
  std::string since;
  std::string warning;
};

class EbayReconciler {
 public:
  EbayReconciler(const RefundProcessor& processor, const Clock& clock) : processor_(processor), clock_(clock) {}

  Result<ReconcileReport> RunOnce(const AccountConfig& account, SyncStore& store, const std::string& holder) const;

 private:
  const RefundProcessor& processor_;
  const Clock& clock_;
};

}  // namespace refundsync
