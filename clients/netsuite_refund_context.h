// The refund context: every fact a refund to NetSuite is decided on, read in one SuiteQL round trip
// (suiteql::RefundContext) — the sales order of a storefront order, its billed record with its item lines and
// total, and every refund already created from that record with what recognises ours. Nothing of it is cached:
// a refund entered by hand in NetSuite a second ago still counts against what remains refundable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clients/netsuite_client.h"

namespace refundsync {

struct BilledRecord {
  std::string type;  // cashSale | invoice
  std::string id;
  std::string currency;  // ISO code
  Money total;           // its magnitude
  // Lines of items sold, with a quantity: item id, SKU (itemid), quantity and amount as magnitudes; no tax.
  // [B] quantity is in the item's base unit (units of measure are not converted).
  std::vector<NsLine> lines;
};

struct ExistingRefund {
  std::string type;  // cashRefund | creditMemo
  std::string id;
  std::string external_id;
  std::string memo;
  std::optional<Money> total;  // its magnitude; nullopt when NetSuite's text is not an amount in its currency
};

struct RefundContext {
  std::optional<std::string> sales_order;  // internal id; nullopt: the order was never synced
  std::optional<BilledRecord> billed;      // nullopt: not billed (yet)
  std::vector<ExistingRefund> refunds;     // created from the billed record, by id
};

// Reads the rows of suiteql::RefundContext. An account without the Multiple Currencies feature names no currency
// ([B]): its records are taken to be in US dollars, as GetRecord takes them.
Result<RefundContext> ParseRefundContext(const std::vector<SuiteQlRow>& rows);

// One SuiteQL request (more only past 1 000 rows: an order with that many lines and refunds).
Result<RefundContext> LoadRefundContext(NetSuiteClient& client, const std::string& external_id);

}  // namespace refundsync
