// What the CLI, the admin API and the schedule do with the refund audit (contract section 6a): run one for an
// account and store it as the account's last report, read that report, acknowledge an intended difference, and
// keep the gauge refundsync_audit_discrepancies{account,kind} (acknowledged ones excluded) in step with the last
// report this process stored or read.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/metrics.h"
#include "handlers/refund_audit.h"

namespace refundsync {

class AuditActions {
 public:
  // Every audited account's gauge exists from the start, at 0 until a report says otherwise.
  AuditActions(const Config& config, NetSuiteLedger& ledger, std::map<std::string, ShopifyStorefront*> shopify,
               std::map<std::string, EbayStorefront*> ebay, const Clock& clock, MetricsRegistry& metrics);

  // Audits the account over the period. Done: the report is stored as the account's last, the run marked done.
  // Failed: the run is marked failed with the error, and the last report stays.
  // Errors: not_found (unknown account), bad_request (an account that syncs no refunds), upstream and store errors.
  Result<AuditReport> RunAndStore(const std::string& account_id, const AuditPeriod& period, SyncStore& store,
                                  const std::string& id,
                                  const std::function<void(const AuditProgress&)>& progress = {}) const;
  // Records a run as started, before it is queued: GET /api/audit shows it beside the last report.
  Result<void> MarkRunning(const std::string& account_id, const AuditPeriod& period, const std::string& id,
                           SyncStore& store) const;
  // The account's last report with the acknowledgements as they stand now, and the latest run beside it (one
  // "running" for longer than kAbandonedAfter is shown failed: the process running it stopped). nullopt when
  // there is neither. The gauge follows the report.
  Result<std::optional<AuditReport>> Last(const std::string& account_id, SyncStore& store) const;
  // Acknowledges the order's discrepancy in the last report: it holds while the difference stays the same. Only the
  // acknowledgement is written (never the report, which a run may be storing at the same time).
  // not_found when the last report lists no discrepancy for the order.
  Result<Discrepancy> Acknowledge(const std::string& account_id, const std::string& order_id, const std::string& note,
                                  SyncStore& store) const;
  // Whether the scheduled audit of the account is due: its last report, or before the first one the time the
  // service first saw the account, is older than `interval` (a restart does not audit again at once).
  Result<bool> ScheduledAuditDue(const AccountConfig& account, Duration interval, SyncStore& store) const;

  static constexpr Duration kAbandonedAfter = std::chrono::hours(2);

 private:
  Result<const AccountConfig*> AuditedAccount(const std::string& account_id) const;
  void SetGauge(const AuditReport& report) const;

  const Config& config_;
  RefundAudit audit_;
  std::map<std::string, ShopifyStorefront*> shopify_;
  std::map<std::string, EbayStorefront*> ebay_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
};

}  // namespace refundsync
