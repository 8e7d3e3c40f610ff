// Reconciliation for Shopify accounts that sync to NetSuite: refunds whose refunds/create webhook never arrived
// (Shopify gives up after its retries; a subscription may have been removed) are found on the orders updated since
// the checkpoint. One runner per account across replicas; never before sync_since.
#pragma once

#include <map>

#include "handlers/ebay_reconciler.h"
#include "handlers/refund_processor.h"
#include "handlers/shopify_storefront.h"

namespace refundsync {

class ShopifyReconciler {
 public:
  ShopifyReconciler(const RefundProcessor& processor, std::map<std::string, ShopifyStorefront*> shopify,
                    const Clock& clock)
      : processor_(processor), shopify_(std::move(shopify)), clock_(clock) {}

  Result<ReconcileReport> RunOnce(const AccountConfig& account, SyncStore& store, const std::string& holder) const;

 private:
  const RefundProcessor& processor_;
  std::map<std::string, ShopifyStorefront*> shopify_;
  const Clock& clock_;
};

}  // namespace refundsync
