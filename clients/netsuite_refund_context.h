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

// Reads the rows of suiteql::RefundContext. An account without the Multiple Currencies feature names no currency
// ([B]): its records are taken to be in US dollars, as GetRecord takes them.
Result<RefundContext> ParseRefundContext(const std::vector<SuiteQlRow>& rows);

// One SuiteQL request (more only past 1 000 rows: an order with that many lines and refunds).
Result<RefundContext> LoadRefundContext(NetSuiteClient& client, const std::string& external_id);

}  // namespace refundsync
