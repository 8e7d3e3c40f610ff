// The operator actions of contract section 6: retrieve an order's refunds from one side and import the new
// ones (NetSuite Connector's "Retrieve Refund/Return"), and post a transaction now.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "handlers/ebay_storefront.h"
#include "handlers/netsuite_ledger.h"
#include "handlers/refund_processor.h"
#include "handlers/shopify_storefront.h"

namespace refundsync {

struct RetrieveResult {
  std::vector<Transaction> imported;
  std::vector<std::string> already_known;
};

class AdminActions {
 public:
  AdminActions(const Config& config, const RefundProcessor& processor, NetSuiteLedger& ledger,
               std::map<std::string, ShopifyStorefront*> shopify, std::map<std::string, EbayStorefront*> ebay,
               const Clock& clock)
      : config_(config),
        processor_(processor),
        ledger_(ledger),
        shopify_(std::move(shopify)),
        ebay_(std::move(ebay)),
        clock_(clock) {}

  // Errors: unknown_account, direction_mismatch, order_not_synced, order_not_billed, no_refund_record, and
  // upstream failures. Ignores sync_since (an explicit operator action); posts per the account's auto_post.
  Result<RetrieveResult> Retrieve(const std::string& account_id, const std::string& source, const std::string& order_id,
                                  SyncStore& store) const;

  // Posts now. A posted transaction is returned as it is (`already_posted` true), with no upstream call.
  Result<Transaction> PostNow(const std::string& tx_id, SyncStore& store, bool& already_posted) const;

 private:
  // The order's refund context; an error when it was never synced or is not billed.
  Result<RefundContext> BilledContext(const AccountConfig& account, const std::string& order_id) const;
  Result<RetrieveResult> ImportAll(const AccountConfig& account, const std::vector<Transaction>& fresh,
                                   SourceSystem source, SyncStore& store) const;

  const Config& config_;
  const RefundProcessor& processor_;
  NetSuiteLedger& ledger_;
  std::map<std::string, ShopifyStorefront*> shopify_;
  std::map<std::string, EbayStorefront*> ebay_;
  const Clock& clock_;
};

}  // namespace refundsync
