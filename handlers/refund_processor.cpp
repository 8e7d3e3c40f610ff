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
constexpr Duration kFactsCacheTime = std::chrono::hours(1);
constexpr const char* kShopifyRefundPrefix = "shopify:refund:";

// Why Shopify answers no refund: the token cannot see its order (named scope), or it is gone.
std::string NotShownByShopify(ShopifyClient& shopify, const std::string& refund_id, const std::string& order_id) {
  const std::string hint = MissingOrderScopeHint(shopify);
  return "Shopify shows no refund " + refund_id + " of order " + order_id + ": " +
         (hint.empty() ? "it may have been deleted" : hint);
}

class StoreFactsCache : public FactsCache {
 public:
  explicit StoreFactsCache(SyncStore& store) : store_(store) {}
  std::optional<std::string> Get(const std::string& key) override {
    auto value = store_.CacheGet(key);
    return value ? *value : std::nullopt;
  }
  void Put(const std::string& key, const std::string& value) override { (void)store_.CachePut(key, value, kFactsCacheTime); }

 private:
  SyncStore& store_;
};

bool Finished(TxStatus status) { return status == TxStatus::kPosted || status == TxStatus::kSkipped; }

constexpr std::string_view kCutoverNote = "is before the account's cut-over";

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
  if (tx.error && tx.error->code == "invalid_amount") {
    outcome.error = tx.error;
  } else if (tx.amount.minor_units < 0 || !IsKnownCurrency(tx.amount.currency)) {
    outcome.error = Error{"invalid_amount", "the refund amount " + FormatDecimal(tx.amount) + " " +
                                                tx.amount.currency + " is not a refund amount; nothing was posted"};
  } else if (tx.amount.minor_units == 0) {
    outcome.status = TxStatus::kSkipped;
    outcome.note = "nothing to do: no money was refunded";
  } else {
    return std::nullopt;
  }
  return outcome;
}

}  // namespace

bool SkippedForCutover(const Transaction& tx) {
  return tx.status == TxStatus::kSkipped && !tx.history.empty() &&
         tx.history.back().note.find(kCutoverNote) != std::string::npos;
}

void RefundProcessor::Count(const char* outcome) const {
  metrics_.CounterFor("refundsync_handler_outcomes_total", "Refund handler outcomes", {{"outcome", outcome}}).Add();
}

EbayClient* RefundProcessor::EbayFor(const std::string& account) const {
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
  const std::int64_t jittered = delay / 2 + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(delay / 2 + 1));
  return std::max(jittered, retry_after_ms);
}

Result<void> RefundProcessor::HandleEvent(const WebhookEvent& event, SyncStore& store,
                                          const std::string& event_id) const {
  const AccountConfig* account = config_.FindAccount(event.account);
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
        return ImportShopifyRefund(*account, event.refund_id, TransactionFromShopifyRefund(*account, event, clock_.NowMs()),
                                   store, true);
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
      EbayClient* ebay = EbayFor(account->id);
      if (ebay == nullptr) return {};
      auto order = ebay->GetOrder(event.order_id);
      if (!order) {
        // eBay unreachable: leave the event unacknowledged; reconciliation would find the refund anyway.
        return Error(order.error().code, "eBay order " + event.order_id + ": " + order.error().message);
      }
      if (!*order) return {};
      auto imported = ImportEbayOrder(*account, **order, store);
      if (!imported) return imported.error();
      return {};
    }
  }
  return {};
}

Result<void> RefundProcessor::ImportShopifyRefund(const AccountConfig& account, const std::string& refund_id,
                                                  const Transaction& fallback, SyncStore& store,
                                                  bool automatic) const {
  // Known already (a redelivery, a replay, reconciliation's overlap): the first arrival decided, no Shopify call.
  auto known = store.Load(fallback.id);
  if (!known) return known.error();
  if (*known) {
    auto again = Import(account, fallback, store, automatic);
    if (!again) return again.error();
    return {};
  }
  auto it = shopify_.find(account.id);
  if (it == shopify_.end()) return MakeError("upstream_rejected", "no Shopify client for " + account.id);
  auto refund = it->second->GetRefund(refund_id);
  if (!refund && IsRetryable(refund.error())) {
    // Shopify unreachable or throttled: leave the event unacknowledged; it comes back.
    return Error(refund.error().code, "Shopify refund " + refund_id + ": " + refund.error().message);
  }
  if (refund && *refund) {
    Transaction fresh = TransactionFromShopifyRecord(account, **refund, clock_.NowMs());
    if ((*refund)->money == RefundMoney::kSent && fresh.amount.minor_units == 0) {
      fresh.Record(clock_.NowMs(), TxStatus::kSkipped, "nothing to do: no money was refunded (restock only)");
      auto stored = store.CreateIfAbsent(fresh);
      if (!stored) return stored.error();
      return {};
    }
    // Money still with the gateway (or failed there): posting reads the refund again and decides.
    const bool settled = (*refund)->money == RefundMoney::kSent;
    auto imported = Import(account, fresh, store, automatic, SourceSystem::kStorefront, /*just_read=*/settled);
    if (!imported) return imported.error();
    return {};
  }
  // Shopify does not show the refund (or refused to): a failed transaction that says why, for people to act on.
  Transaction failed = fallback;
  std::string why;
  if (!refund) {
    failed.error = refund.error();
    why = refund.error().message;
  } else {
    why = NotShownByShopify(*it->second, refund_id, fallback.order_id);
    failed.error = Error{"upstream_rejected", why};
  }
  failed.Record(clock_.NowMs(), TxStatus::kFailed, why);
  log::Info("shopify_refund_unreadable", {{"account", account.id}, {"refund", refund_id}, {"reason", why}});
  auto stored = store.CreateIfAbsent(failed);
  if (!stored) return stored.error();
  return {};
}

std::optional<PostOutcome> RefundProcessor::RefreshFromShopify(const AccountConfig& account, Transaction& tx) const {
  const auto fail = [](const Error& error) {
    PostOutcome outcome;
    outcome.status = TxStatus::kFailed;
    outcome.error = error;
    return outcome;
  };
  auto it = shopify_.find(account.id);
  if (it == shopify_.end()) return fail(Error{"upstream_rejected", "no Shopify client for " + account.id});
  const std::string refund_id = tx.source_record.substr(std::string(kShopifyRefundPrefix).size());
  auto refund = it->second->GetRefund(refund_id);
  if (!refund) return fail(refund.error());
  if (!*refund) return fail(Error{"upstream_rejected", NotShownByShopify(*it->second, refund_id, tx.order_id)});
  const Transaction read = TransactionFromShopifyRecord(account, **refund, clock_.NowMs());
  tx.order_id = read.order_id;
  tx.source_created_at = read.source_created_at;
  tx.amount = read.amount;
  tx.shipping = read.shipping;
  tx.lines = read.lines;
  tx.error = read.error;  // what the webhook's payload said about its amounts no longer matters
  if ((*refund)->money == RefundMoney::kPending) {
    PostOutcome outcome;
    outcome.status = TxStatus::kImported;
    outcome.pending = true;
    outcome.note = "Shopify refund " + refund_id + " is pending at the payment gateway; posted once its money went back";
    return outcome;
  }
  if ((*refund)->money == RefundMoney::kFailed) {
    return fail(Error{"upstream_rejected", "Shopify refund " + refund_id +
                                               "'s refund transactions failed at the payment gateway: no money went "
                                               "back to the buyer, nothing to book"});
  }
  return std::nullopt;
}

Result<int> RefundProcessor::ImportEbayOrder(const AccountConfig& account, const EbayOrder& order,
                                             SyncStore& store) const {
  int imported = 0;
  for (const auto& fresh : TransactionsFromEbayOrder(account, order, clock_.NowMs())) {
    auto tx = Import(account, fresh, store, true);
    if (!tx) return tx.error();
    ++imported;
  }
  return imported;
}

Result<void> RefundProcessor::RecordChangeAfterPosting(const AccountConfig& account, const Transaction& posted,
                                                       const std::string& event, const std::string& event_id,
                                                       SyncStore& store) const {
  // Money already returned on the storefront is never reversed automatically: record the change for people.
  // Named by the queued event, so its redelivery (a worker died before acknowledging) or replay meets the same
  // record instead of adding another; the clock only when there is no event.
  const std::int64_t now = clock_.NowMs();
  Transaction change = posted;
  change.source_record = posted.source_record + ":" + event + ":" + (event_id.empty() ? std::to_string(now) : event_id);
  change.id = TransactionId(account.id, change.source_record);
  change.history.clear();
  change.error.reset();
  change.attempts = 0;
  change.created_ms = now;
  change.Record(now, TxStatus::kSkipped, "changed after posting (" + event + " in NetSuite after " +
                                             posted.target_record + "); nothing reversed");
  Count("skipped");
  log::Warn("netsuite_refund_changed_after_posting", {{"tx", posted.id}, {"event", event}, {"target", posted.target_record}});
  if (auto stored = store.CreateIfAbsent(change); !stored) return stored.error();
  return {};
}

Result<void> RefundProcessor::HandleNetSuiteRecord(const std::string& record_type, const std::string& record_id,
                                                   const std::string& event, SyncStore& store,
                                                   const std::string& only_account,
                                                   const std::string& event_id) const {
  const std::string source_record = "netsuite:" + record_type + ":" + record_id;
  // An edit or delete of a refund we already posted: found by its stable id in whichever account holds it.
  if (event == "edit" || event == "delete") {
    for (const auto& account : config_.accounts) {
      auto existing = store.Load(TransactionId(account.id, source_record));
      if (!existing) return existing.error();
      if (*existing && (*existing)->status == TxStatus::kPosted) {
        return RecordChangeAfterPosting(account, **existing, event, event_id, store);
      }
    }
    if (event == "delete") return {};  // never posted: nothing to do
  }
  auto resolved = from_netsuite_.Resolve(record_type, record_id, clock_.NowMs());
  if (!resolved) {
    if (IsRetryable(resolved.error())) return resolved.error();  // NetSuite unreachable: the event comes back
    // Not ours to post (e.g. not created from the billed record of a synced order): say so where people look.
    if (!only_account.empty()) return {};
    Transaction tx;
    tx.account = "netsuite";
    tx.direction = "from_netsuite";
    tx.source_record = source_record;
    tx.id = TransactionId(tx.account, source_record);
    tx.created_ms = clock_.NowMs();
    tx.error = resolved.error();
    tx.Record(clock_.NowMs(), TxStatus::kFailed, resolved.error().code + ": " + resolved.error().message);
    Count("failed");
    log::Warn("netsuite_refund_unmapped", {{"record", source_record}, {"error", resolved.error().code}});
    if (auto stored = store.CreateIfAbsent(tx); !stored) return stored.error();
    return {};
  }
  if (!only_account.empty() && resolved->account->id != only_account) return {};
  auto imported = Import(*resolved->account, resolved->tx, store, true, SourceSystem::kNetSuite);
  if (!imported) return imported.error();
  return {};
}

Result<bool> RefundProcessor::IsKnownNetSuiteRecord(const std::string& record_type, const std::string& record_id,
                                                    SyncStore& store) const {
  const std::string source_record = "netsuite:" + record_type + ":" + record_id;
  std::vector<std::pair<std::string, bool>> holders{{"netsuite", false}};  // unmapped records are kept under "netsuite"
  for (const auto& account : config_.accounts) holders.emplace_back(account.id, account.auto_post);
  for (const auto& [account, auto_post] : holders) {
    auto existing = store.Load(TransactionId(account, source_record));
    if (!existing) return existing.error();
    if (*existing) return !((*existing)->status == TxStatus::kImported && auto_post);
  }
  return false;
}

Result<Transaction> RefundProcessor::Import(const AccountConfig& account, const Transaction& fresh,
                                            SyncStore& store, bool automatic, SourceSystem source,
                                            bool just_read) const {
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
      candidate.Record(now, TxStatus::kSkipped, "refund of " + candidate.source_created_at + " " +
                                                    std::string(kCutoverNote) + " (" + FormatRfc3339Ms(cutover) +
                                                    "); an operator can retrieve it");
    }
  }
  auto stored = store.CreateIfAbsent(candidate);
  if (!stored) return stored.error();
  Transaction tx = std::move(stored->tx);
  if (!stored->created && !automatic && SkippedForCutover(tx)) {
    // An operator backfills on purpose: the cut-over held it back from automatic sync only.
    tx.Record(now, TxStatus::kImported, "retrieved by an operator despite the cut-over");
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

Result<Transaction> RefundProcessor::Post(const AccountConfig& account, Transaction tx, SyncStore& store,
                                          bool just_read) const {
  if (tx.status == TxStatus::kPosted) {
    (void)store.RemoveRetry(tx.id);
    return tx;
  }
  // The watchdog: until this post is finished the transaction stays in the retry set, due after the lease and
  // the takeover time, so a worker dying anywhere below leaves it to another.
  const std::int64_t watchdog = clock_.NowMs() + config_.worker_order_lease.count() + config_.worker_claim_idle.count();
  if (auto armed = store.ScheduleRetry(tx.id, watchdog); !armed) return armed.error();
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
  // Another worker may have posted (or noted an irreversible step of) this transaction between our read and the
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
  tx.attempts += 1;
  StoreFactsCache cache(store);
  const bool from_netsuite = tx.source_record.rfind("netsuite:", 0) == 0;
  const auto before_irreversible = [&](const std::string& note) {
    Transaction noted = tx;
    noted.Record(clock_.NowMs(), TxStatus::kImported, note);
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
  const PostOutcome outcome = decided                ? *decided
                              : from_netsuite        ? from_netsuite_.Post(account, tx, before_irreversible)
                                                     : to_netsuite_.Post(account, tx, cache);
  ObserveStages();
  const std::int64_t now = clock_.NowMs();
  if (!outcome.sales_order.empty()) tx.sales_order = outcome.sales_order;
  if (!outcome.billed_record.empty()) tx.billed_record = outcome.billed_record;
  bool dead = false;
  std::optional<std::int64_t> retry_at;
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
    tx.Record(now, TxStatus::kPosted, "posted as " + outcome.target_record + (outcome.note.empty() ? "" : "; " + outcome.note));
    Count("posted");
    metrics_
        .HistogramFor("refundsync_refund_seconds", "From a refund's arrival to its posting", {{"direction", tx.direction}},
                      RefundSecondsBuckets())
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
  const char* event = tx.status == TxStatus::kPosted    ? "refund_posted"
                      : tx.status == TxStatus::kSkipped ? "refund_skipped"
                      : tx.status == TxStatus::kImported ? "refund_pending"
                                                        : "refund_failed";
  log::Info(event,
            {{"tx", tx.id},
             {"account", account.id},
             {"order_id", tx.order_id},
             {"attempt", tx.attempts},
             {"target", tx.target_record},
             {"error", tx.error ? tx.error->code : std::string()}});
  return tx;
}

Result<void> RefundProcessor::Retry(const std::string& tx_id, SyncStore& store) const {
  auto loaded = store.Load(tx_id);
  if (!loaded) return loaded.error();
  const bool stuck = *loaded && (*loaded)->status == TxStatus::kFailed && (*loaded)->error &&
                     !IsRetryable(*(*loaded)->error);
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
