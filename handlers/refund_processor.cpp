#include "handlers/refund_processor.h"

#include <algorithm>
#include <thread>

#include "core/log.h"
#include "core/refund_stages.h"
#include "core/time.h"
#include "handlers/refund_source.h"
#include "policy/direction_policy.h"

namespace refundsync {
namespace {

constexpr std::int64_t kLeaseBusyRetryMs = 200;

bool Finished(TxStatus status) { return status == TxStatus::kPosted || status == TxStatus::kSkipped; }

}  // namespace

namespace {

// Decided by the amount alone, before any upstream call. Never posted: an amount its source did not give as money
// (invalid_amount since the refund was read), or a total that is negative or in an unknown currency: failed with
// invalid_amount for an operator, never retried. Lines are not judged here: a NetSuite credit memo may carry a
// negative discount line and still be a refund (the storefront readers refuse negative line amounts themselves).
// A total of zero is no money: skipped, nothing to post (a restock-only refund).
std::optional<PostOutcome> JudgeAmount(const Transaction& tx) {
  PostOutcome outcome;
  outcome.status = TxStatus::kFailed;
  if (tx.error && tx.error->kind == ErrorKind::kInvalidArgument) {  // invalid_amount since it was read
    outcome.error = tx.error;
  } else if (tx.amount.minor_units < 0 || !IsKnownCurrency(tx.amount.currency)) {
    outcome.error = Error{"invalid_amount", "the refund amount " + FormatDecimal(tx.amount) + " " + tx.amount.currency +
                                                " is not a refund amount; nothing was posted"};
  } else if (tx.amount.minor_units == 0) {
    outcome.status = TxStatus::kSkipped;
    outcome.note = "nothing to do: no money was refunded";
  } else {
    return std::nullopt;
  }
  return outcome;
}

}  // namespace

bool SkippedForCutover(const Transaction& tx) { return tx.status == TxStatus::kSkipped && tx.skipped_for_cutover; }

void RefundProcessor::Count(const char* outcome) const {
  metrics_.CounterFor("refundsync_handler_outcomes_total", "Refund handler outcomes", {{"outcome", outcome}}).Add();
}

EbayStorefront* RefundProcessor::EbayFor(const std::string& account) const {
  auto it = ebay_.find(account);
  return it == ebay_.end() ? nullptr : it->second;
}

std::int64_t RefundProcessor::Backoff(int attempts, std::int64_t retry_after_ms) const {
  // Exponential with "equal jitter": half fixed, half random, so retries of many refunds spread out.
  thread_local std::mt19937_64 random(std::random_device{}());
  const std::int64_t initial = config_.worker_backoff_initial.count();
  const std::int64_t cap = config_.worker_backoff_max.count();
  std::int64_t delay = initial;
  for (int i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  const std::int64_t jittered =
      delay / 2 + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(delay / 2 + 1));
  return std::max(jittered, retry_after_ms);
}

Result<void> RefundProcessor::HandleEvent(const WebhookEvent& event, SyncStore& store,
                                          const std::string& event_id) const {
  const AccountConfig* account = config_.FindAccount(event.account);
  // Our own write coming back, named by our marker or note: into its origin's history, no read, no transaction.
  if (auto origin = EchoOriginOf(event, account)) {
    const bool netsuite = event.kind == EventKind::kNetSuiteRecord;
    const std::string record = netsuite ? "netsuite:" + event.record_type + ":" + event.record_id
                                        : std::string(kShopifyRefundPrefix) + event.refund_id;
    auto recorded =
        RecordEcho(*origin, record, netsuite && event.record_event != "create" ? event.record_event : "", store);
    if (!recorded) return recorded.error();
    if (*recorded) return {};
  }
  switch (event.kind) {
    case EventKind::kPrivacyRedaction:
      return {};  // the ingress purged the captures; transactions hold no personal data beyond ids
    case EventKind::kIgnored:
      return {};
    case EventKind::kNetSuiteRecord:
      return HandleNetSuiteRecord(event.record_type, event.record_id, event.record_event, store, "", event_id);
    case EventKind::kStorefrontRefund: {
      if (account == nullptr) return {};
      if (event.source == WebhookSource::kShopify && account->direction == Direction::kToNetSuite) {
        // refunds/create is a trigger: what was refunded is read from Shopify, whatever the payload carries (from
        // API 2024-10 it leaves refunded shipping out). Other accounts keep the payload: the policy skips it, or
        // it is our own refund coming back, and nothing is posted from it.
        return ImportShopifyRefund(*account, event.refund_id,
                                   TransactionFromShopifyRefund(*account, event, clock_.NowMs()), store, true);
      }
      if (!event.amount && event.amount_error.empty()) {
        log::Info("refund_without_money", {{"account", account->id}, {"refund", event.refund_id}});
        Transaction tx = TransactionFromShopifyRefund(*account, event, clock_.NowMs());
        tx.Record(clock_.NowMs(), TxStatus::kSkipped, "nothing to do: no money was refunded (restock only)");
        if (auto stored = store.CreateIfAbsent(tx); !stored) return stored.error();
        return {};
      }
      auto imported = Import(*account, TransactionFromShopifyRefund(*account, event, clock_.NowMs()), store, true);
      if (!imported) return imported.error();
      return {};
    }
    case EventKind::kStorefrontOrderChanged: {
      if (account == nullptr || account->channel != Channel::kEbay) return {};
      EbayStorefront* ebay = EbayFor(account->id);
      if (ebay == nullptr) return {};
      auto order = ebay->GetOrder(event.order_id);
      if (!order) {
        // eBay unreachable: leave the event unacknowledged; reconciliation would find the refund anyway.
        Error error = order.error();
        error.message = "eBay order " + event.order_id + ": " + error.message;
        return error;
      }
      if (!*order) return {};
      auto imported = ImportEbayOrder(*account, **order, store);
      if (!imported) return imported.error();
      return {};
    }
  }
  return {};
}

Result<int> RefundProcessor::ImportEbayOrder(const AccountConfig& account, const EbayOrder& order,
                                             SyncStore& store) const {
  int imported = 0;
  std::vector<Transaction> refunds = TransactionsFromEbayOrder(account, order, clock_.NowMs());
  auto echoes = RecordEbayEchoes(account, order.order_id, refunds, store);
  if (!echoes) return echoes.error();
  for (const auto& fresh : refunds) {
    auto tx = Import(account, fresh, store, true);
    if (!tx) return tx.error();
    ++imported;
  }
  return imported;
}

Result<Transaction> RefundProcessor::Import(const AccountConfig& account, const Transaction& fresh, SyncStore& store,
                                            bool automatic, SourceSystem source, bool just_read) const {
  // Decide before storing, so a stored `imported` always means "passed the policy and the cut-over".
  Transaction candidate = fresh;
  const std::int64_t now = clock_.NowMs();
  const RouteDecision route = RouteRefundEvent(source, account.direction, account.id);
  if (route.skipped()) {
    candidate.Record(now, TxStatus::kSkipped, route.reason);
  } else if (automatic) {
    std::int64_t cutover = 0;
    if (account.sync_since_ms) {
      cutover = *account.sync_since_ms;
    } else {
      auto first_seen = store.FirstSeen(account.id, now);
      if (!first_seen) return first_seen.error();
      cutover = *first_seen;
    }
    const auto refunded_at = ParseRfc3339Ms(candidate.source_created_at);
    // Compared in whole seconds: NetSuite writes record times without milliseconds, so a refund made in the
    // cut-over's own second would otherwise count as before it.
    if (refunded_at && *refunded_at / 1000 < cutover / 1000) {
      candidate.Record(now, TxStatus::kSkipped,
                       "refund of " + candidate.source_created_at + " " + std::string(kCutoverNote) + " (" +
                           FormatRfc3339Ms(cutover) + "); an operator can retrieve it");
      candidate.skipped_for_cutover = true;
    }
  }
  auto stored = store.CreateIfAbsent(candidate);
  if (!stored) return stored.error();
  Transaction tx = std::move(stored->tx);
  if (!stored->created && !automatic && SkippedForCutover(tx)) {
    // An operator backfills on purpose: the cut-over held it back from automatic sync only.
    tx.Record(now, TxStatus::kImported, "retrieved by an operator despite the cut-over");
    tx.skipped_for_cutover = false;
    if (auto saved = store.Save(tx); !saved) return saved.error();
    if (!account.auto_post) return tx;
    return Post(account, std::move(tx), store);
  }
  if (!stored->created) {
    // Redelivered, replayed or reconciled again: the first arrival decided. Only a post that a dead worker left
    // unfinished is resumed (safe: posting finds an earlier attempt's record by its marker).
    if (tx.status == TxStatus::kImported && account.auto_post) return Post(account, std::move(tx), store);
    Count("duplicate");
    return tx;
  }
  if (tx.status == TxStatus::kSkipped) {
    Count("skipped");
    log::Info("refund_skipped", {{"tx", tx.id}, {"account", account.id}, {"reason", tx.history.back().note}});
    return tx;
  }
  if (!account.auto_post) {
    Count("imported");
    log::Info("refund_imported", {{"tx", tx.id}, {"account", account.id}, {"reason", "auto_post is false"}});
    return tx;
  }
  return Post(account, std::move(tx), store, just_read);
}

void RefundProcessor::ObserveStages() const {
  const RefundStageTimes& times = ThisThreadStageTimes();
  const auto seconds = [](std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1e6; };
  metrics_
      .HistogramFor("refundsync_refund_stage_seconds", kRefundStageHelp, {{"stage", "netsuite_slot"}},
                    RefundSecondsBuckets())
      .Observe(seconds(times.netsuite_slot));
  metrics_
      .HistogramFor("refundsync_refund_stage_seconds", kRefundStageHelp, {{"stage", "upstream"}},
                    RefundSecondsBuckets())
      .Observe(seconds(times.upstream));
}

std::optional<std::int64_t> RefundProcessor::RecordOutcome(Transaction& tx, const PostOutcome& outcome,
                                                           bool& dead) const {
  const std::int64_t now = clock_.NowMs();
  if (outcome.nothing_issued) tx.ebay_refunds_before_issue.reset();
  if (!outcome.sales_order.empty()) tx.sales_order = outcome.sales_order;
  if (!outcome.billed_record.empty()) tx.billed_record = outcome.billed_record;
  std::optional<std::int64_t> retry_at;
  dead = false;
  if (outcome.pending) {
    tx.target_record = outcome.target_record;
    retry_at = now + Backoff(tx.attempts, 0);
    tx.Record(now, TxStatus::kImported, outcome.note);
    Count("pending");
  } else if (outcome.status == TxStatus::kSkipped) {
    tx.error.reset();
    tx.Record(now, TxStatus::kSkipped, outcome.note);
    Count("skipped");
  } else if (outcome.status == TxStatus::kPosted) {
    tx.target_record = outcome.target_record;
    tx.error.reset();
    tx.Record(now, TxStatus::kPosted,
              "posted as " + outcome.target_record + (outcome.note.empty() ? "" : "; " + outcome.note));
    Count("posted");
    metrics_
        .HistogramFor("refundsync_refund_seconds", "From a refund's arrival to its posting",
                      {{"direction", tx.direction}}, RefundSecondsBuckets())
        .Observe(static_cast<double>(std::max<std::int64_t>(0, now - tx.created_ms)) / 1000.0);
  } else {
    tx.error = outcome.error;
    const Error& error = *outcome.error;
    std::string note = error.code + ": " + error.message;
    if (IsRetryable(error) && tx.attempts < config_.worker_max_attempts) {
      retry_at = now + Backoff(tx.attempts, error.retry_after_ms);
      note += " (attempt " + std::to_string(tx.attempts) + ", retry at " + FormatRfc3339Ms(*retry_at) + ")";
      Count("retry");
    } else {
      dead = IsRetryable(error);
      if (dead) note += " (last attempt " + std::to_string(tx.attempts) + ")";
      Count("failed");
    }
    tx.Record(now, TxStatus::kFailed, note);
  }
  return retry_at;
}

Result<Transaction> RefundProcessor::Post(const AccountConfig& account, Transaction tx, SyncStore& store,
                                          bool just_read) const {
  if (tx.status == TxStatus::kPosted) {
    (void)store.RemoveRetry(tx.id);
    return tx;
  }
  // 1. The watchdog: until this post is finished the transaction stays in the retry set, due after the lease and
  // the takeover time, so a worker dying anywhere below leaves it to another.
  const std::int64_t watchdog = clock_.NowMs() + config_.worker_order_lease.count() + config_.worker_claim_idle.count();
  if (auto armed = store.ScheduleRetry(tx.id, watchdog); !armed) return armed.error();

  // 2. The order's lease: one refund of an order at a time, across replicas.
  const OrderKey order{account.id, tx.order_id};
  auto lease = store.AcquireOrderLease(order, config_.worker_order_lease);
  if (!lease) return lease.error();
  if (!*lease) {
    // Another worker is posting a refund of the same order: come back shortly (not counted as an attempt).
    if (auto scheduled = store.ScheduleRetry(tx.id, clock_.NowMs() + kLeaseBusyRetryMs); !scheduled) {
      return scheduled.error();
    }
    return tx;
  }
  const std::int64_t token = **lease;

  // 3. Another worker may have posted (or noted an irreversible step of) this transaction between our read and the
  // lease: go on from what is stored, so its notes guide this attempt (an eBay refund is never issued twice).
  auto stored = store.Load(tx.id);
  if (!stored) {
    (void)store.ReleaseOrderLease(order, token);
    return stored.error();
  }
  if (*stored) tx = std::move(**stored);
  if (Finished(tx.status)) {
    (void)store.ReleaseOrderLease(order, token);
    (void)store.RemoveRetry(tx.id);
    return tx;
  }

  // 4. The attempt, by the refund's direction.
  tx.attempts += 1;
  const PostOutcome outcome = Attempt(account, tx, store, token, just_read);

  // 5. Its outcome stored (fenced by the lease), then the dead letter or the next retry.
  bool dead = false;
  const std::optional<std::int64_t> retry_at = RecordOutcome(tx, outcome, dead);
  auto saved = store.SaveFenced(tx, token);
  (void)store.ReleaseOrderLease(order, token);
  if (!saved) {
    log::Error("refund_result_not_stored", {{"tx", tx.id}, {"reason", saved.error().message}});
    return saved.error();
  }
  // The dead letter before the retry set lets go: dying in between leaves the member, and Retry writes it then.
  if (dead) {
    if (auto lettered = store.DeadLetter(tx); !lettered) return lettered.error();
  }
  if (retry_at) {
    if (auto scheduled = store.ScheduleRetry(tx.id, *retry_at); !scheduled) return scheduled.error();
  } else {
    (void)store.RemoveRetry(tx.id);  // finished: posted, or failed for an operator
  }
  LogPostOutcome(account, tx);
  return tx;
}

PostOutcome RefundProcessor::Attempt(const AccountConfig& account, Transaction& tx, SyncStore& store,
                                     std::int64_t token, bool just_read) const {
  // Before eBay's issue_refund (irreversible, no idempotency key): the refunds the order had, noted under the lease.
  const auto before_irreversible = [&](const std::vector<std::string>& refunds_before) {
    Transaction noted = tx;
    noted.ebay_refunds_before_issue = refunds_before;
    std::string ids;
    for (const auto& id : refunds_before) ids += (ids.empty() ? "" : ",") + id;
    noted.Record(clock_.NowMs(), TxStatus::kImported, std::string(kEbayIssuingNote) + ids);
    if (!store.SaveFenced(noted, token)) return false;
    tx = std::move(noted);
    return true;
  };
  ThisThreadStageTimes() = {};  // from here on this thread's NetSuite slot waits and upstream calls are this post's
  std::optional<PostOutcome> decided;
  if (!just_read && account.channel == Channel::kShopify && tx.source_record.rfind(kShopifyRefundPrefix, 0) == 0) {
    decided = RefreshFromShopify(account, tx);  // posted as Shopify shows it now (a webhook's payload may be stale)
  }
  if (!decided) decided = JudgeAmount(tx);
  PostOutcome outcome = decided              ? *decided
                        : IsFromNetSuite(tx) ? from_netsuite_.Post(account, tx, before_irreversible)
                                             : to_netsuite_.Post(account, tx, store);
  ObserveStages();
  return outcome;
}

void RefundProcessor::LogPostOutcome(const AccountConfig& account, const Transaction& tx) {
  const char* event = tx.status == TxStatus::kPosted     ? "refund_posted"
                      : tx.status == TxStatus::kSkipped  ? "refund_skipped"
                      : tx.status == TxStatus::kImported ? "refund_pending"
                                                         : "refund_failed";
  log::Info(event, {{"tx", tx.id},
                    {"account", account.id},
                    {"order_id", tx.order_id},
                    {"attempt", tx.attempts},
                    {"target", tx.target_record},
                    {"error", tx.error ? tx.error->code : std::string()}});
}

Result<void> RefundProcessor::Retry(const std::string& tx_id, SyncStore& store) const {
  auto loaded = store.Load(tx_id);
  if (!loaded) return loaded.error();
  const bool stuck =
      *loaded && (*loaded)->status == TxStatus::kFailed && (*loaded)->error && !IsRetryable(*(*loaded)->error);
  if (!*loaded || Finished((*loaded)->status) || stuck) {
    (void)store.RemoveRetry(tx_id);
    return {};
  }
  const AccountConfig* account = config_.FindAccount((*loaded)->account);
  if (account == nullptr) {
    (void)store.RemoveRetry(tx_id);
    return {};
  }
  // An exhausted transaction still in the set (its worker died before the dead letter, or an operator's post
  // found the order busy) gets one more attempt: a failure writes the dead letter again.
  auto posted = Post(*account, std::move(**loaded), store);
  if (!posted) return posted.error();
  return {};
}

}  // namespace refundsync
