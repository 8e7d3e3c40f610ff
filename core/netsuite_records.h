// NetSuite's refund records in our words: what refund sync reads from NetSuite and asks it to create, whatever
// the API that carries it (REST records, SuiteQL rows). The port that moves them is handlers/netsuite_ledger.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace refundsync {

struct NsLine {
  int line = 0;
  std::string item_id;    // internal id
  std::string item_name;  // the reference's refName: a display name, hierarchical for matrix items
  std::string sku;        // the item record's itemId, which equals the storefront SKU
  std::int64_t quantity = 0;
  Money amount;  // before tax
  Money tax;
};

// A record as read: a sales order, a billed record (cash sale, invoice) or a refund (cash refund, credit memo).
struct NsRecord {
  std::string type;  // salesOrder, invoice, cashSale, cashRefund, creditMemo
  std::string id;
  std::string external_id;
  std::string memo;
  std::string created_from;  // internal id
  std::string currency_id;   // internal id of the currency record
  std::string currency;      // ISO 4217 code (the currency record's symbol)
  std::string created_at;    // createdDate, as NetSuite wrote it
  Money total;
  std::string amount_error;  // the total as NetSuite wrote it is not a refund amount (invalid_amount): why
  std::vector<NsLine> lines;
};

// The order's billed record: what a refund to NetSuite is created from.
struct BilledRecord {
  std::string type;  // cashSale | invoice
  std::string id;
  std::string currency;  // ISO code
  Money total;           // its magnitude
  // Lines of items sold, with a quantity: item id, SKU (itemid), quantity and amount as magnitudes; no tax.
  // [B] quantity is in the item's base unit (units of measure are not converted).
  std::vector<NsLine> lines;
};

// A refund already created from the billed record, or issued from a return authorization of the order, by anyone.
struct ExistingRefund {
  std::string type;  // cashRefund | creditMemo
  std::string id;
  std::string external_id;
  std::string memo;
  std::optional<Money> total;  // its magnitude; nullopt when NetSuite's text is not an amount in its currency
  bool from_return = false;    // issued from a return authorization, not from the billed record
};

// Every fact a refund to NetSuite is decided on, read at once and never cached: a refund entered by hand in
// NetSuite a second ago still counts against what remains refundable.
struct RefundContext {
  std::optional<std::string> sales_order;  // internal id; nullopt: the order was never synced
  std::optional<BilledRecord> billed;      // nullopt: not billed (yet)
  std::vector<ExistingRefund> refunds;     // created from the billed record or a return of the order, by id
};

// A line of a refund to create: `quantity` of the item at `amount` (before tax), or one unit of a generic item.
struct NewRefundLine {
  std::string item_id;
  std::int64_t quantity = 1;
  Money amount;
};

// A refund to create from a billed record. Its lines are the record's only ones: the billed record's own lines
// are not copied.
struct NewRefund {
  std::string memo;         // carries our marker: what finds the record again after a lost answer
  std::string external_id;  // our marker too, though NetSuite may not keep it on a create from a billed record
  std::vector<NewRefundLine> lines;
};

// Where a NetSuite refund came from: its billed record's sales order and that order's external id (which names
// the storefront order).
struct RefundOrigin {
  std::string sales_order;
  std::string order_external_id;
};

// A NetSuite refund record, by its lower-case record name (cashrefund | creditmemo) and internal id.
struct RefundRecordRef {
  std::string record_type;
  std::string id;
};

// A refund record with the storefront order it was created for, as the audit reads it: one per record, whatever
// its lines.
struct DatedRefund {
  RefundRecordRef ref;
  Money total;               // its magnitude, in the record's currency
  std::string amount_error;  // the total is not an amount in its currency: why (the record is then reported)
  std::string memo;
  std::string external_id;
  std::string order_external_id;  // of the sales order its billed record was created from
};

// A cash sale is refunded by a cash refund, an invoice by a credit memo.
inline std::string RefundTypeFor(const std::string& billed_type) {
  return billed_type == "cashSale" ? "cashRefund" : "creditMemo";
}
// cashRefund -> cashrefund, the name in source and target records ("netsuite:cashrefund:7").
inline std::string RecordName(const std::string& type) {
  return type == "cashRefund" ? "cashrefund" : type == "creditMemo" ? "creditmemo" : type;
}
// cashrefund -> cashRefund.
inline std::string NetSuiteRestType(const std::string& record_type) {
  return record_type == "cashrefund" ? "cashRefund" : record_type == "creditmemo" ? "creditMemo" : record_type;
}

// Whether the record a create failed to answer for may exist, or come to exist (NetSuite goes on working on a
// request whose client hung up): no answer came, or a 5xx. Its message starts with kOutcomeUnknown for people.
inline constexpr std::string_view kOutcomeUnknown = "outcome unknown: ";
inline bool IsOutcomeUnknown(const Error& error) { return error.outcome_unknown; }

}  // namespace refundsync
