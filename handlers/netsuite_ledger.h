// The NetSuite side of refund sync, as the refund rules need it: the port both directions' handlers, the admin
// actions and the NetSuite reconciler talk to. Its words are ours (refund context, billed record, refund, origin);
// the REST paths, the SuiteQL text and the JSON bodies are the adapter's (clients/netsuite_rest_ledger.h). Tests
// put an in-memory ledger behind it (tests/support/fake_netsuite_ledger.h).
//
// Every call may fail with upstream_unavailable (retried) or upstream_rejected (not), the vendor's message inside.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/external_id.h"
#include "core/netsuite_records.h"
#include "core/result.h"

namespace refundsync {

class NetSuiteLedger {
 public:
  virtual ~NetSuiteLedger() = default;

  // To NetSuite. The sales order whose external id is `order_external_id` (an identifier, checked by the caller),
  // its billed record and every refund created from that record: one read.
  virtual Result<RefundContext> LoadRefundContext(const std::string& order_external_id) = 0;

  // Creates a cash refund (from a cash sale) or credit memo (from an invoice) from `from`, with exactly
  // `refund.lines`, and returns its internal id. An error for which IsOutcomeUnknown holds may hide a record that
  // exists, or will: look for the marker before calling it a failure.
  virtual Result<std::string> CreateRefund(const BilledRecord& from, const NewRefund& refund) = 0;

  // A refund record (`type` cashRefund | creditMemo) with its lines; nullopt when NetSuite has none by that id.
  virtual Result<std::optional<NsRecord>> ReadRefund(const std::string& type, const std::string& id) = 0;

  // A refund record's total alone, in `currency` (which the caller knows); lines are left empty.
  virtual Result<std::optional<NsRecord>> ReadRefundTotal(const std::string& type, const std::string& id,
                                                          const std::string& currency) = 0;

  // Adds `line` to a refund record (an adjustment line, when NetSuite's total differs from the storefront's).
  virtual Result<void> AddLine(const std::string& type, const std::string& id, const NewRefundLine& line) = 0;

  // From NetSuite. The origin of a refund created from the billed record `billed_id`; nullopt when that record has
  // no sales order with an external id.
  virtual Result<std::optional<RefundOrigin>> OriginOf(const std::string& billed_id) = 0;

  // Cash refunds and credit memos modified at or after `since_ms` (UTC), oldest first. NetSuite compares in the
  // integration user's time zone, which is unknown: callers start their window a day early.
  virtual Result<std::vector<RefundRecordRef>> RefundsModifiedSince(std::int64_t since_ms) = 0;

  // The audit. Every cash refund and credit memo created from the billed record of a sales order whose external
  // id has the account's shape (`orders`; others may be included too, callers match), whose transaction date is
  // from `from_date` to `to_date` (YYYY-MM-DD, both included), with that order's external id: one query for the
  // period (paged by NetSuite), not one per order.
  virtual Result<std::vector<DatedRefund>> RefundsDatedBetween(const std::string& from_date, const std::string& to_date,
                                                               const ExternalIdTemplate& orders) = 0;
};

}  // namespace refundsync
