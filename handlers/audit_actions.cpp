#include "handlers/audit_actions.h"

#include "core/log.h"

namespace refundsync {

namespace {

Gauge& DiscrepancyGauge(MetricsRegistry& metrics, const std::string& account, DiscrepancyKind kind) {
  return metrics.GaugeFor("refundsync_audit_discrepancies",
                          "Unacknowledged discrepancies of the account's last refund audit, by kind",
                          {{"account", account}, {"kind", std::string(DiscrepancyKindName(kind))}});
}

AuditRun NewRun(const std::string& id, const AuditPeriod& period, const char* status, std::int64_t now_ms) {
  AuditRun run;
  run.id = id;
  run.from = period.from;
  run.to = period.to;
  run.status = status;
  run.started_ms = now_ms;
  return run;
}

// The acknowledgements as they stand, over the report's discrepancies: one holds while the difference is the same.
Result<void> ApplyAcknowledgements(AuditReport& report, SyncStore& store) {
  auto stored = store.Acknowledgements(report.account);
  if (!stored) return stored.error();
  std::map<std::string, AuditAcknowledgement> acks;
  for (const auto& [order_id, json] : *stored) {
    if (auto ack = AcknowledgementFromJson(json)) acks[order_id] = *ack;
  }
  for (auto& d : report.discrepancies) {
    auto ack = acks.find(d.order_id);
    d.acknowledged = ack != acks.end() && ack->second.difference == d.difference;
    d.acknowledgement = d.acknowledged ? ack->second.note : "";
  }
  return {};
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
  return store.SaveAuditRun(account_id, ToJson(NewRun(id, period, "running", clock_.NowMs())));
}

Result<AuditReport> AuditActions::RunAndStore(const std::string& account_id, const AuditPeriod& period,
                                              SyncStore& store, const std::string& id,
                                              const std::function<void(const AuditProgress&)>& progress) const {
  auto account = AuditedAccount(account_id);
  if (!account) return account.error();
  AuditRun run = NewRun(id, period, "running", clock_.NowMs());
  RefundAudit::Storefront storefront;
  if (auto it = shopify_.find(account_id); it != shopify_.end()) storefront.shopify = it->second;
  if (auto it = ebay_.find(account_id); it != ebay_.end()) storefront.ebay = it->second;
  auto report = audit_.Run(**account, storefront, period, store, progress);
  run.finished_ms = clock_.NowMs();
  if (!report) {
    run.status = "failed";
    run.error = report.error();
    (void)store.SaveAuditRun(account_id, ToJson(run));
    log::Warn("audit_failed", {{"account", account_id}, {"error", report.error().message}});
    return report.error();
  }
  report->id = id;
  auto saved = store.SaveAuditReport(account_id, ToJson(*report));
  if (!saved) return saved.error();
  run.status = "done";
  (void)store.SaveAuditRun(account_id, ToJson(run));
  SetGauge(*report);
  log::Info("audit_done", {{"account", account_id},
                           {"from", period.from},
                           {"to", period.to},
                           {"orders", std::to_string(report->orders_compared)},
                           {"unacknowledged", std::to_string(report->Unacknowledged())}});
  report->latest_run = run;
  return report;
}

Result<std::optional<AuditReport>> AuditActions::Last(const std::string& account_id, SyncStore& store) const {
  if (config_.FindAccount(account_id) == nullptr) {
    return MakeError("unknown_account", "no account \"" + account_id + "\"");
  }
  auto stored = store.LastAuditReport(account_id);
  if (!stored) return stored.error();
  auto stored_run = store.LastAuditRun(account_id);
  if (!stored_run) return stored_run.error();
  std::optional<AuditRun> run;
  if (*stored_run) {
    if (auto parsed = AuditRunFromJson(**stored_run)) run = std::move(*parsed);
  }
  if (run && run->status == "running" && clock_.NowMs() - run->started_ms > kAbandonedAfter.count()) {
    run->status = "failed";
    run->error = Error("abandoned", "the process running this audit stopped before it finished");
  }
  if (!*stored && !run) return std::optional<AuditReport>();
  AuditReport report;
  if (*stored) {
    auto parsed = AuditReportFromJson(**stored);
    if (!parsed) return parsed.error();
    report = std::move(*parsed);
    auto applied = ApplyAcknowledgements(report, store);
    if (!applied) return applied.error();
    SetGauge(report);
  } else {
    report.account = account_id;  // no report yet: the run alone
    report.status = "none";
  }
  report.latest_run = run;
  return std::optional<AuditReport>(std::move(report));
}

Result<Discrepancy> AuditActions::Acknowledge(const std::string& account_id, const std::string& order_id,
                                              const std::string& note, SyncStore& store) const {
  if (note.empty()) {
    return MakeError("bad_request", "an acknowledgement needs a note saying why the difference is intended");
  }
  auto last = Last(account_id, store);
  if (!last) return last.error();
  if (!*last || (*last)->status != "done") return MakeError("not_found", "account " + account_id + " has no audit yet");
  AuditReport& report = **last;
  for (auto& d : report.discrepancies) {
    if (d.order_id != order_id) continue;
    auto saved = store.SaveAcknowledgement(account_id, order_id,
                                           ToJson(AuditAcknowledgement{order_id, d.difference, note, clock_.NowMs()}));
    if (!saved) return saved.error();
    d.acknowledged = true;
    d.acknowledgement = note;
    SetGauge(report);
    return d;
  }
  return MakeError("not_found", "the last audit of " + account_id + " lists no discrepancy for order " + order_id);
}

Result<bool> AuditActions::ScheduledAuditDue(const AccountConfig& account, Duration interval, SyncStore& store) const {
  const std::int64_t now_ms = clock_.NowMs();
  auto stored = store.LastAuditReport(account.id);
  if (!stored) return stored.error();
  std::int64_t since_ms = 0;
  if (*stored) {
    auto report = AuditReportFromJson(**stored);
    if (report) since_ms = report->finished_ms;
  }
  if (since_ms == 0) {
    auto first_seen = store.FirstSeen(account.id, now_ms);
    if (!first_seen) return first_seen.error();
    since_ms = *first_seen;
  }
  return now_ms - since_ms >= interval.count();
}

}  // namespace refundsync
