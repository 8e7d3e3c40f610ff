// The refund audit of contract section 6a in our words: what each side refunded per storefront order in a period,
// the discrepancies between them, and the stored report. handlers/refund_audit.h compares; this file only holds
// the shapes and their JSON (the admin API's and the stored report's).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"

namespace refundsync {

enum class DiscrepancyKind { kMissingInNetSuite, kMissingOnStorefront, kAmountDiffers, kDuplicate, kUnposted };
inline constexpr DiscrepancyKind kDiscrepancyKinds[] = {
    DiscrepancyKind::kMissingInNetSuite, DiscrepancyKind::kMissingOnStorefront, DiscrepancyKind::kAmountDiffers,
    DiscrepancyKind::kDuplicate, DiscrepancyKind::kUnposted};
std::string_view DiscrepancyKindName(DiscrepancyKind kind);
std::optional<DiscrepancyKind> ParseDiscrepancyKind(std::string_view name);

// A refund the storefront made (Shopify: its successful refund transactions; eBay: a REFUNDED refund), at its own
// time (Shopify's processed time, eBay's refund date).
struct StorefrontRefundSeen {
  std::string order_id;
  std::string refund_id;
  Money amount;
  std::int64_t at_ms = 0;
};

// A cash refund or credit memo created from one of the order's billed records, dated in the period.
struct NetSuiteRefundSeen {
  std::string order_id;
  std::string record;  // "netsuite:cashrefund:7"
  Money amount;        // its magnitude
  // The transaction whose marker the record carries (memo or external id), when it is one of ours: two records
  // with one marker are one source refund booked twice.
  std::string marked_transaction;
};

// An operator's word that an order's difference is intended. It holds while the difference stays what it was.
struct AuditAcknowledgement {
  std::string order_id;
  std::int64_t difference = 0;  // minor units, storefront minus NetSuite, when acknowledged
  std::string note;
  std::int64_t at_ms = 0;
};

struct Discrepancy {
  std::string order_id;
  Money storefront_refunded;
  Money netsuite_refunded;
  std::int64_t difference = 0;  // minor units: storefront minus NetSuite
  DiscrepancyKind kind = DiscrepancyKind::kAmountDiffers;
  std::vector<std::string> transactions;  // the ones that explain it, if any
  std::string detail;
  bool acknowledged = false;
  std::string acknowledgement;  // the operator's note
};

// One run of an audit, as it goes: running, then done (its report stored) or failed (the last report kept).
struct AuditRun {
  std::string id;
  std::string from, to;            // YYYY-MM-DD
  std::string status = "running";  // running | done | failed
  std::optional<Error> error;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
};

struct AuditReport {
  std::string id;
  std::string account;
  std::string from;  // YYYY-MM-DD, inclusive
  std::string to;    // YYYY-MM-DD, inclusive
  std::string timezone;
  std::string status = "done";  // running | done | failed
  std::optional<Error> error;   // why it failed
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  int orders_compared = 0;  // orders with a refund in the period on either side
  std::vector<Discrepancy> discrepancies;
  std::vector<std::string> warnings;   // what may be missing from it, and why (e.g. a scope the token lacks)
  std::optional<AuditRun> latest_run;  // shown beside it (GET /api/audit), never stored in it

  int Unacknowledged() const;
};

std::string ToJson(const AuditReport& report);
Result<AuditReport> AuditReportFromJson(std::string_view json);
std::string ToJson(const AuditAcknowledgement& ack);
std::string ToJson(const AuditRun& run);
Result<AuditRun> AuditRunFromJson(std::string_view json);
Result<AuditAcknowledgement> AcknowledgementFromJson(std::string_view json);

}  // namespace refundsync
