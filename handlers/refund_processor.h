// What happens to a refund once it is known: dedupe by its stable id, the direction policy, the cut-over
// (sync_since), auto_post, then posting under the order's lease, with retries and a dead-letter stream.
// Every entry point takes the calling thread's SyncStore (one store connection per thread).
#pragma once

#include <map>
#include <random>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "handlers/ebay_storefront.h"
#include "handlers/from_netsuite_handler.h"
#include "handlers/shopify_storefront.h"
#include "handlers/to_netsuite_handler.h"
#include "policy/direction_policy.h"
#include "store/sync_store.h"

namespace refundsync {

// True for a transaction skipped only because its refund predates the account's cut-over: an operator's
// retrieve may bring it back.
bool SkippedForCutover(const Transaction& tx);

class RefundProcessor {
 public:
  RefundProcessor(const Config& config, const ToNetSuiteHandler& to_netsuite, const FromNetSuiteHandler& from_netsuite,
                  std::map<std::string, EbayStorefront*> ebay, std::map<std::string, ShopifyStorefront*> shopify,
                  const Clock& clock, MetricsRegistry& metrics)
      : config_(config),
        to_netsuite_(to_netsuite),
        from_netsuite_(from_netsuite),
        ebay_(std::move(ebay)),
        shopify_(std::move(shopify)),
        clock_(clock),
        metrics_(metrics) {}

  // A queued event (`event_id`: its id in the queue, the same on every redelivery and replay). An error means
  // the store or an upstream could not be reached: leave the event unacknowledged so it comes back.
  Result<void> HandleEvent(const WebhookEvent& event, SyncStore& store, const std::string& event_id = "") const;

  // A NetSuite cash refund or credit memo was created, edited or deleted (a webhook, or reconciliation).
  // `only_account`: ignore records of other accounts (reconciling one account). `event_id` names a change
  // after posting, so a redelivered event records it once.
  Result<void> HandleNetSuiteRecord(const std::string& record_type, const std::string& record_id,
                                    const std::string& event, SyncStore& store, const std::string& only_account = "",
                                    const std::string& event_id = "") const;

  // Whether a NetSuite refund record already has its transaction, so reading it again (reconciliation's
  // overlapping window) needs no NetSuite call. One that a dead worker left `imported` on an auto-posting account
  // does not count: handling it again resumes its post.
  Result<bool> IsKnownNetSuiteRecord(const std::string& record_type, const std::string& record_id,
                                     SyncStore& store) const;

  // Reads a NetSuite refund record back to its account and order (a new transaction, not stored).
  Result<ResolvedNetSuiteRefund> ResolveNetSuite(const std::string& record_type, const std::string& record_id) const {
    return from_netsuite_.Resolve(record_type, record_id, clock_.NowMs());
  }

  // A refund read from its source. `automatic` (webhooks, reconciliation) honours sync_since; an operator's
  // retrieve does not. Returns the transaction as stored afterwards.
  // `just_read`: `fresh` was read from its source a moment ago, so posting it need not read it again.
  Result<Transaction> Import(const AccountConfig& account, const Transaction& fresh, SyncStore& store, bool automatic,
                             SourceSystem source = SourceSystem::kStorefront, bool just_read = false) const;

  // Posts now, under the order's lease; failures are recorded and retried while retryable. A Shopify refund is
  // read from Shopify again first (unless `just_read`): it is posted as Shopify shows it, once its money went back.
  Result<Transaction> Post(const AccountConfig& account, Transaction tx, SyncStore& store,
                           bool just_read = false) const;

  // A transaction whose retry is due.
  Result<void> Retry(const std::string& tx_id, SyncStore& store) const;

  // A Shopify refund an account syncing to NetSuite does not know yet, read from Shopify (a refunds/create
  // webhook, reconciliation or a retrieve only say which one) and imported. One Shopify no longer shows (its order
  // is older than the token may see) becomes a failed transaction that says why, built from `fallback`.
  Result<void> ImportShopifyRefund(const AccountConfig& account, const std::string& refund_id,
                                   const Transaction& fallback, SyncStore& store, bool automatic) const;

  // Imports the refunds of one eBay order (a notification named it, or reconciliation found it changed).
  Result<int> ImportEbayOrder(const AccountConfig& account, const EbayOrder& order, SyncStore& store) const;
  EbayStorefront* EbayFor(const std::string& account) const;

  // How long recording our own write coming back waits for its origin's post to end (the order's lease) before
  // leaving the event for later. Tests shorten it.
  void set_echo_lease_wait(Duration wait) { echo_lease_wait_ = wait; }

  // The transaction an event names as its origin by our marker (a NetSuite record's memo or external id) or our
  // note (a Shopify refund of an account syncing from NetSuite), if any: our own write coming back.
  static std::optional<std::string> EchoOriginOf(const WebhookEvent& event, const AccountConfig* account);

 private:
  // Our own writes coming back (handlers/refund_processor_echo.cpp).
  // The fact that a NetSuite record is one of ours that came back (IsKnownNetSuiteRecord reads it).
  static std::string KnownRecordKey(const std::string& source_record);
  // Records `echo_record` coming back in the history of transaction `origin_id`, once; false when that is no
  // transaction of ours that made it. Waits for the order's lease up to echo_lease_wait_, then fails lease_lost.
  Result<bool> RecordEcho(const std::string& origin_id, const std::string& echo_record, const std::string& how,
                          SyncStore& store) const;
  // Takes out of `fresh` the refunds of an eBay order that are ours (the targets of its transactions), recording
  // each in its origin's history; how many.
  Result<int> RecordEbayEchoes(const AccountConfig& account, const std::string& order_id,
                               std::vector<Transaction>& fresh, SyncStore& store) const;
  // One attempt at posting `tx` (its attempt counted), holding the order's lease `token`: what it came to.
  PostOutcome Attempt(const AccountConfig& account, Transaction& tx, SyncStore& store, std::int64_t token,
                      bool just_read) const;
  static void LogPostOutcome(const AccountConfig& account, const Transaction& tx);
  std::int64_t Backoff(int attempts, std::int64_t retry_after_ms) const;
  Result<void> RecordChangeAfterPosting(const AccountConfig& account, const Transaction& posted,
                                        const std::string& event, const std::string& event_id, SyncStore& store) const;
  // Writes an attempt's outcome into `tx` (status, error, target, history note, counters); when it is to be tried
  // again, the time. `dead`: retries are used up (the transaction goes to the dead letters).
  std::optional<std::int64_t> RecordOutcome(Transaction& tx, const PostOutcome& outcome, bool& dead) const;
  void Count(const char* outcome) const;
  // Observes this thread's stage times of the post that just ended (refundsync_refund_stage_seconds).
  void ObserveStages() const;
  // A Shopify refund's lines, shipping, amount and date as Shopify shows them now, written into `tx`; an outcome
  // when that decides the attempt (its money still with the gateway, or it cannot be read).
  std::optional<PostOutcome> RefreshFromShopify(const AccountConfig& account, Transaction& tx) const;

  const Config& config_;
  const ToNetSuiteHandler& to_netsuite_;
  const FromNetSuiteHandler& from_netsuite_;
  std::map<std::string, EbayStorefront*> ebay_;
  std::map<std::string, ShopifyStorefront*> shopify_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  Duration echo_lease_wait_ = std::chrono::seconds(2);
};

}  // namespace refundsync
