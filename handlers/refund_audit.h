// The refund audit (contract section 6a): per storefront order with a refund in the period, what the storefront
// refunded against what NetSuite holds, and why they differ.
//
//   storefront side   Shopify: refunds of refunded / partially refunded orders, by processed time, each counted
//                     for its successful refund transactions; eBay: REFUNDED order refunds and line refunds, by
//                     refund date.
//   NetSuite side     cash refunds and credit memos created from a billed record of the account's sales orders,
//                     by transaction date: one SuiteQL query for the period.
//   our side          the transactions of the orders that differ: a refund still imported or failed explains it.
//
// Reads only, through the same ports (so the same NetSuite concurrency gate and Shopify cost budget) as the sync.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/audit_period.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/transaction.h"
#include "handlers/ebay_storefront.h"
#include "handlers/netsuite_ledger.h"
#include "handlers/shopify_storefront.h"
#include "store/sync_store.h"

namespace refundsync {

// How far an audit has come, for a progress line on a terminal.
struct AuditProgress {
  std::string stage;  // "storefront" (once per page of orders), "netsuite", "transactions", "done"
  int orders_read = 0;
  int discrepancies = 0;
};

// The comparison alone, on what was read: the discrepancies of the orders whose sides differ, each explained by the
// order's transactions (`transactions`, by order id) and marked acknowledged when an acknowledgement of the same
// difference exists. `storefront` names the channel in details ("Shopify", "eBay").
std::vector<Discrepancy> CompareRefunds(const std::vector<StorefrontRefundSeen>& storefront,
                                        const std::vector<NetSuiteRefundSeen>& netsuite,
                                        const std::map<std::string, std::vector<Transaction>>& transactions,
                                        const std::map<std::string, AuditAcknowledgement>& acknowledgements,
                                        const std::string& storefront_name);

// The orders whose sides differ or whose NetSuite records include two for one source refund: those whose
// transactions CompareRefunds needs.
std::vector<std::string> OrdersToExplain(const std::vector<StorefrontRefundSeen>& storefront,
                                         const std::vector<NetSuiteRefundSeen>& netsuite);

class RefundAudit {
 public:
  // The storefront of the account being audited: exactly one of them.
  struct Storefront {
    ShopifyStorefront* shopify = nullptr;
    EbayStorefront* ebay = nullptr;
  };

  RefundAudit(NetSuiteLedger& ledger, const Clock& clock) : ledger_(ledger), clock_(clock) {}

  // Audits `account` over `period`. Refunds before the account's sync_since (or, without one, the time the
  // service first saw the account) are left out. The report is returned, not stored.
  Result<AuditReport> Run(const AccountConfig& account, Storefront storefront, const AuditPeriod& period,
                          SyncStore& store, const std::function<void(const AuditProgress&)>& progress = {}) const;

 private:
  Result<std::vector<NetSuiteRefundSeen>> ReadNetSuite(const AccountConfig& account, const AuditPeriod& period,
                                                       std::int64_t since_ms) const;

  NetSuiteLedger& ledger_;
  const Clock& clock_;
};

// The storefront sides, read through the ports (refund_audit_storefronts.cpp): refunds whose own time is in
// [start_ms, end_ms) and not before since_ms; `on_page` hears of each page of orders read.
Result<std::vector<StorefrontRefundSeen>> ShopifyRefundsBetween(ShopifyStorefront& shop, std::int64_t start_ms,
                                                                std::int64_t end_ms, const OrdersReadSoFar& on_page);
Result<std::vector<StorefrontRefundSeen>> EbayRefundsBetween(EbayStorefront& ebay, std::int64_t start_ms,
                                                             std::int64_t end_ms, const OrdersReadSoFar& on_page);

}  // namespace refundsync
