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

  // Audits the account over the period and stores the report (also a failed one, with its error) as its last.
  // Errors: not_found (unknown account), bad_request (an account that syncs no refunds), upstream and store errors.
  Result<AuditReport> RunAndStore(const std::string& account_id, const AuditPeriod& period, SyncStore& store,
                                  const std::string& id,
                                  const std::function<void(const AuditProgress&)>& progress = {}) const;
  // Marks a run as started (status "running") so the API shows it while it runs.
  Result<void> MarkRunning(const std::string& account_id, const AuditPeriod& period, const std::string& id,
                           SyncStore& store) const;
  // The account's last stored report, if any; the gauge follows it.
  Result<std::optional<AuditReport>> Last(const std::string& account_id, SyncStore& store) const;
  // Acknowledges the order's discrepancy in the last report: it holds while the difference stays the same.
  // not_found when the last report lists no discrepancy for the order.
  Result<Discrepancy> Acknowledge(const std::string& account_id, const std::string& order_id, const std::string& note,
                                  SyncStore& store) const;

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
