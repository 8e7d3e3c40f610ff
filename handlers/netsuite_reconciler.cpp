#include "handlers/netsuite_reconciler.h"

#include "core/log.h"
#include "core/time.h"

namespace refundsync {
namespace {

constexpr std::int64_t kOverlapMs = 120'000;  // re-read two minutes before the checkpoint: clocks differ
// SuiteQL compares lastmodifieddate in the integration user's time zone, not UTC ([B]; no Oracle page says which).
// Time zones run from UTC-12 to UTC+14: a window that starts a day earlier than the UTC time misses nothing
// in any of them. What it reads again is recognised without a NetSuite call (RefundProcessor::IsKnown).
constexpr std::int64_t kTimeZoneSlackMs = 24 * 3'600'000;
constexpr Duration kRunnerLease = std::chrono::minutes(10);

}  // namespace

Result<ReconcileReport> NetSuiteReconciler::RunOnce(const std::string& only_account, std::int64_t not_before_ms,
                                                    SyncStore& store, const std::string& holder) const {
  ReconcileReport report;
  const std::string scope = only_account.empty() ? "netsuite" : "netsuite:" + only_account;
  auto leased = store.TryAcquireRunnerLease(scope, holder, kRunnerLease);
  if (!leased) return leased.error();
  if (!*leased) return report;
  report.ran = true;
  const std::int64_t started = clock_.NowMs();
  auto checkpoint = store.Checkpoint(scope);
  if (!checkpoint) return checkpoint.error();
  const std::int64_t since = std::max(*checkpoint ? **checkpoint - kOverlapMs : not_before_ms, not_before_ms);
  report.since = FormatRfc3339Ms(since);
  auto refs = ledger_.RefundsModifiedSince(since - kTimeZoneSlackMs);
  if (!refs) {
    (void)store.ReleaseRunnerLease(scope, holder);
    return refs.error();
  }
  for (const auto& [type, id] : *refs) {
    auto known = processor_.IsKnownNetSuiteRecord(type, id, store);
    if (!known) {
      (void)store.ReleaseRunnerLease(scope, holder);
      return known.error();
    }
    if (*known) continue;  // seen before (posted, failed or skipped): the event or an earlier pass handled it
    auto handled = processor_.HandleNetSuiteRecord(type, id, "create", store, only_account);
    if (!handled) {
      (void)store.ReleaseRunnerLease(scope, holder);
      return handled.error();
    }
    report.refunds_seen += 1;
  }
  if (auto set = store.SetCheckpoint(scope, started); !set) return set.error();
  (void)store.ReleaseRunnerLease(scope, holder);
  log::Info("reconcile_done", {{"scope", scope}, {"since", report.since}, {"refunds_seen", report.refunds_seen}});
  return report;
}

}  // namespace refundsync
