// Every SuiteQL query the service sends, in one place and in SuiteQL's own (Oracle) dialect: TO_TIMESTAMP, never
// SQLite's functions or LIMIT. Tables and columns are those of NetSuite's records catalog (docs/vendor-fidelity.md
// says which are confirmed); the integration tests run each of them against the strict sandbox, which executes
// them on tables of those names and refuses a column NetSuite does not have.
#pragma once

#include <string>
#include <vector>

namespace refundsync::suiteql {

// Every fact a refund to NetSuite needs, in one round trip (the "refund context"), for the sales order whose
// external id is `external_id` (an identifier: [A-Za-z0-9_-], checked by the caller). One row per record, and per
// item line of the billed record:
//   - the sales order (type SalesOrd);
//   - its billed record (CustInvc | CashSale; the first by id when there are several), once per item line with
//     linenumber, item, itemid (the SKU), itemtype, quantity and foreignamount (signs as NetSuite books them:
//     compare magnitudes), and its foreigntotal;
//   - every cash refund and credit memo created from that billed record, or from a return authorization made from
//     the sales order or the billed record (fromreturn 'T'), with externalid, memo and foreigntotal.
// Every row carries id, type and currencycode (the ISO code: the currency record's symbol). Tax lines and the cost
// of goods sold lines of inventory items are left out (their flags read through NVL: public queries guard against
// NULL flags). Only ANSI joins and IN / scalar subqueries: no UNION, no WITH.
std::string RefundContext(const std::string& external_id);

// The billed record a NetSuite refund was created from and that record's sales order: columns id, type (of the
// billed record), salesorder, externalid (of the sales order). No row when either is missing.
std::string RefundOrigin(const std::string& billed_id);

// Cash refunds and credit memos modified at or after a time, written as NetSuite compares it: in the time zone of
// the integration user's preferences (not UTC). Columns id, type, ordered by lastmodifieddate, id.
std::string RefundsModifiedSince(const std::string& local_timestamp /* YYYY-MM-DD HH24:MI:SS */);

// The audit: every cash refund and credit memo dated (trandate) from `from_date` to `to_date` (YYYY-MM-DD, both
// included) that was created from an invoice or cash sale created from a sales order, or from a return
// authorization created from the sales order or from such an invoice or cash sale. One row per record
// (DISTINCT: the joins go through lines) and sales order: id, type, foreigntotal, memo, externalid, currencycode,
// salesorder and orderexternalid (the sales order's external id). Ordered by id, then sales order. Only sales
// orders whose external id is LIKE `order_external_id_like` (an ExternalIdTemplate's pattern: [A-Za-z0-9_%-] only,
// anything else is refused and matches nothing), so an audit reads its own account's refunds, not the company's.
std::string RefundsDatedBetween(const std::string& from_date, const std::string& to_date,
                                const std::string& order_external_id_like);

// The item names (itemid: the SKU a storefront knows) of item internal ids. Columns id, itemid.
std::string ItemIds(const std::vector<std::string>& item_ids);

// Internal ids are digits; anything else never reaches a query.
bool IsInternalId(const std::string& id);

}  // namespace refundsync::suiteql
