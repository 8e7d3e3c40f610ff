// NetSuite -> storefront: a cash refund or credit memo entered in NetSuite is posted to the storefront order.
//
//   refund record ──createdFrom──> billed record ──createdFrom──> sales order ──externalId──> account + order
//        (none: no_refund_record)                                   (no account's template matches: order_not_synced)
//   Shopify (here): lines by SKU -> refund line items; the total -> a refund transaction against the order's
//   payment, posted with refundCreate @idempotent(key: our marker) so an unclear outcome can be retried safely.
//   eBay (from_netsuite_ebay.cpp): one order-level issue_refund, found again by reading the order before and after.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/transaction.h"
#include "handlers/ebay_storefront.h"
#include "handlers/netsuite_ledger.h"
#include "handlers/shopify_storefront.h"
#include "handlers/to_netsuite_handler.h"

namespace refundsync {

struct ResolvedNetSuiteRefund {
  const AccountConfig* account = nullptr;
  Transaction tx;  // new, status imported: source netsuite:<type>:<id>, amount, lines
  // The transaction whose marker the record carries: a record we created ourselves, coming back.
  std::optional<std::string> marked_origin;
};

class FromNetSuiteHandler {
 public:
  FromNetSuiteHandler(const Config& config, NetSuiteLedger& ledger, std::map<std::string, ShopifyStorefront*> shopify,
                      std::map<std::string, EbayStorefront*> ebay)
      : config_(config), ledger_(ledger), shopify_(std::move(shopify)), ebay_(std::move(ebay)) {}

  // Called right before an upstream call that cannot be undone or deduplicated (eBay issue_refund), with the
  // order's refund ids, to store in the transaction first; false when they could not be stored (then nothing is
  // sent).
  using BeforeIrreversible = std::function<bool(const std::vector<std::string>& refunds_before)>;

  // Reads the record and walks back to the storefront order. `record_type` is cashrefund or creditmemo.
  Result<ResolvedNetSuiteRefund> Resolve(const std::string& record_type, const std::string& record_id,
                                         std::int64_t now_ms) const;

  PostOutcome Post(const AccountConfig& account, const Transaction& tx, const BeforeIrreversible& before) const;

 private:
  PostOutcome PostToShopify(const AccountConfig& account, const Transaction& tx) const;
  PostOutcome PostToEbay(const AccountConfig& account, const Transaction& tx, const BeforeIrreversible& before) const;

  const Config& config_;
  NetSuiteLedger& ledger_;
  std::map<std::string, ShopifyStorefront*> shopify_;
  std::map<std::string, EbayStorefront*> ebay_;
};

}  // namespace refundsync
