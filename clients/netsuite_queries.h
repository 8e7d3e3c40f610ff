// Every SuiteQL query the service sends, in one place and in SuiteQL's own (Oracle) dialect: TO_TIMESTAMP, never
// SQLite's functions or LIMIT. Tables and columns are those of NetSuite's records catalog (docs/vendor-fidelity.md
// says which are confirmed); the integration tests run each of them against the strict sandbox, which executes
// them on tables of those names and refuses a column NetSuite does not have.
#pragma once

#include <string>
#include <vector>

namespace refundsync::suiteql {

// The invoices and cash sales billed from a sales order: columns id, type (CustInvc | CashSale).
std::string BilledRecordsOf(const std::string& sales_order_id);

// The cash refunds and credit memos created from a billed record, with what recognises ours: columns id, type
// (CashRfnd | CustCred), externalid, memo, foreigntotal (its sign is not documented: compare magnitudes).
std::string RefundsCreatedFrom(const std::string& billed_id);

// Cash refunds and credit memos modified at or after a time, written as NetSuite compares it: in the time zone of
// the integration user's preferences (not UTC). Columns id, type, ordered by lastmodifieddate, id.
std::string RefundsModifiedSince(const std::string& local_timestamp /* YYYY-MM-DD HH24:MI:SS */);

// The item names (itemid: the SKU a storefront knows) of item internal ids. Columns id, itemid.
std::string ItemIds(const std::vector<std::string>& item_ids);

// Internal ids are digits; anything else never reaches a query.
bool IsInternalId(const std::string& id);

}  // namespace refundsync::suiteql
