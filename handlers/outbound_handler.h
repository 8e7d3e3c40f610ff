// NetSuite -> storefront: a cash refund or credit memo entered in NetSuite is posted to the storefront order.
//
//   refund record ──createdFrom──> billed record ──createdFrom──> sales order ──externalId──> account + order
//        (none: no_refund_record)                                   (no account's template matches: order_not_synced)
//   lines by SKU -> Shopify refund line items; the total -> a refund transaction against the order's payment,
//   posted with refundCreate @idempotent(key: our marker) so an unclear outcome can be retried safely.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "clients/netsuite_client.h"
#include "clients/shopify_client.h"
#include "core/config.h"
#include "core/transaction.h"
#include "handlers/inbound_handler.h"

namespace refundsync {

struct ResolvedNetSuiteRefund {
  const AccountConfig* account = nullptr;
  Transaction tx;  // new, status imported: source netsuite:<type>:<id>, amount, lines
};

class OutboundHandler {
 public:
  OutboundHandler(const Config& config, NetSuiteClient& netsuite, std::map<std::string, ShopifyClient*> shopify)
      : config_(config), netsuite_(netsuite), shopify_(std::move(shopify)) {}

  // Reads the record and walks back to the storefront order. `record_type` is cashrefund or creditmemo.
  Result<ResolvedNetSuiteRefund> Resolve(const std::string& record_type, const std::string& record_id,
                                         std::int64_t now_ms) const;

  PostOutcome Post(const AccountConfig& account, const Transaction& tx) const;

 private:
  const Config& config_;
  NetSuiteClient& netsuite_;
  std::map<std::string, ShopifyClient*> shopify_;
};

std::string NetSuiteRestType(const std::string& record_type);  // cashrefund -> cashRefund

}  // namespace refundsync
