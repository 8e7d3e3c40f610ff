#include "handlers/audit_actions.h"

#include "core/log.h"

namespace refundsync {

namespace {

Gauge& DiscrepancyGauge(MetricsRegistry& metrics, const std::string& account, DiscrepancyKind kind) {
  return metrics.GaugeFor("refundsync_audit_discrepancies",
                          "Unacknowledged discrepancies of the account's last refund audit, by kind",
                          {{"account", account}, {"kind", std::string(DiscrepancyKindName(kind))}});
}

}  // namespace

AuditActions::AuditActions(const Config& config, NetSuiteLedger& ledger,
                           std::map<std::string, ShopifyStorefront*> shopify,
                           std::map<std::string, EbayStorefront*> ebay, const Clock& clock, MetricsRegistry& metrics)
    : config_(config),
      audit_(ledger, clock),
      shopify_(std::move(shopify)),
      ebay_(std::move(ebay)),
      clock_(clock),
      metrics_(metrics) {
  for (const auto& account : config_.accounts) {
    if (account.direction == Direction::kOff) continue;
    for (DiscrepancyKind kind : kDiscrepancyKinds) DiscrepancyGauge(metrics_, account.id, kind).Set(0);
  }
}

Result<const AccountConfig*> AuditActions::AuditedAccount(const std::string& account_id) const {
  const AccountConfig* account = config_.FindAccount(account_id);
  if (account == nullptr) return MakeError("unknown_account", "no account \"" + account_id + "\"");
  if (account->direction == Direction::kOff) {
    return MakeError("bad_request", "account " + account_id + " syncs no refunds (refund_direction: off)");
  }
  return account;
}

void AuditActions::SetGauge(const AuditReport& report) const {
  if (report.status != "done") return;  // a failed or running audit says nothing new about the books
  std::map<DiscrepancyKind, std::int64_t> counts;
  for (const auto& d : report.discrepancies) {
    if (!d.acknowledged) ++counts[d.kind];
  }
  for (DiscrepancyKind kind : kDiscrepancyKinds) DiscrepancyGauge(metrics_, report.account, kind).Set(counts[kind]);
}

Result<void> AuditActions::MarkRunning(const std::string& account_id, const AuditPeriod& period, const std::string& id,
                                       SyncStore& store) const {
  auto account = AuditedAccount(account_id);
  if (!account) return account.error();
  AuditReport running;
  running.id = id;
  running.account = account_id;
  running.from = period.from;
  running.to = period.to;
  running.timezone = period.timezone;
  running.status = "running";
  running.started_ms = clock_.NowMs();
  return store.SaveAuditReport(account_id, ToJson(running));
}

Result<AuditReport> AuditActions::RunAndStore(const std::string& account_id, const AuditPeriod& period,
                                              SyncStore& store, const std::string& id,
                                              const std::function<void(const AuditProgress&)>& progress) const {
  auto account = AuditedAccount(account_id);
  if (!account) return account.error();
  RefundAudit::Storefront storefront;
  if (auto it = shopify_.find(account_id); it != shopify_.end()) storefront.shopify = it->second;
  if (auto it = ebay_.find(account_id); it != ebay_.end()) storefront.ebay = it->second;
  auto report = audit_.Run(**account, storefront, period, store, progress);
  if (!report) {
    AuditReport failed;
    failed.id = id;
    failed.account = account_id;
    failed.from = period.from;
    failed.to = period.to;
    failed.timezone = period.timezone;
    failed.status = "failed";
    failed.error = report.error();
    failed.started_ms = failed.finished_ms = clock_.NowMs();
    (void)store.SaveAuditReport(account_id, ToJson(failed));
    log::Warn("audit_failed", {{"account", account_id}, {"error", report.error().message}});
    return report.error();
  }
  report->id = id;
  auto saved = store.SaveAuditReport(account_id, ToJson(*report));
  if (!saved) return saved.error();
  SetGauge(*report);
  log::Info("audit_done", {{"account", account_id},
                           {"from", period.from},
                           {"to", period.to},
                           {"orders", std::to_string(report->orders_compared)},
                           {"unacknowledged", std::to_string(report->Unacknowledged())}});
  return report;
}

Result<std::optional<AuditReport>> AuditActions::Last(const std::string& account_id, SyncStore& store) const {
  if (config_.FindAccount(account_id) == nullptr) {
    return MakeError("unknown_account", "no account \"" + account_id + "\"");
  }
  auto stored = store.LastAuditReport(account_id);
  if (!stored) return stored.error();
  if (!*stored) return std::optional<AuditReport>();
  auto report = AuditReportFromJson(**stored);
  if (!report) return report.error();
  SetGauge(*report);
  return std::optional<AuditReport>(std::move(*report));
}

Result<Discrepancy> AuditActions::Acknowledge(const std::string& account_id, const std::string& order_id,
                                              const std::string& note, SyncStore& store) const {
  if (note.empty())
    return MakeError("bad_request", "an acknowledgement needs a note saying why the difference is intended");
  auto last = Last(account_id, store);
  if (!last) return last.error();
  if (!*last) return MakeError("not_found", "account " + account_id + " has no audit yet");
  AuditReport& report = **last;
  for (auto& d : report.discrepancies) {
    if (d.order_id != order_id) continue;
    auto saved = store.SaveAcknowledgement(account_id, order_id,
                                           ToJson(AuditAcknowledgement{order_id, d.difference, note, clock_.NowMs()}));
    if (!saved) return saved.error();
    d.acknowledged = true;
    d.acknowledgement = note;
    saved = store.SaveAuditReport(account_id, ToJson(report));
    if (!saved) return saved.error();
    SetGauge(report);
    return d;
  }
  return MakeError("not_found", "the last audit of " + account_id + " lists no discrepancy for order " + order_id);
}

}  // namespace refundsync
