// The Shopify side of RefundProcessor: a refunds/create event (or reconciliation, or a retrieve) names a refund,
// which is read from Shopify before it is imported; before posting, a refund is read again, so it is posted as
// Shopify shows it once its money went back.
#include "core/log.h"
#include "handlers/refund_processor.h"
#include "handlers/refund_source.h"

namespace refundsync {
namespace {

// Why Shopify answers no refund: the token cannot see its order (named scope), or it is gone.
std::string NotShownByShopify(ShopifyStorefront& shopify, const std::string& refund_id, const std::string& order_id) {
  const std::string hint = MissingOrderScopeHint(shopify);
  return "Shopify shows no refund " + refund_id + " of order " + order_id + ": " +
         (hint.empty() ? "it may have been deleted" : hint);
}

}  // namespace

Result<void> RefundProcessor::ImportShopifyRefund(const AccountConfig& account, const std::string& refund_id,
                                                  const Transaction& fallback, SyncStore& store, bool automatic) const {
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
    Error error = refund.error();
    error.message = "Shopify refund " + refund_id + ": " + error.message;
    return error;
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
  const std::string refund_id = tx.source_record.substr(kShopifyRefundPrefix.size());
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
    outcome.note =
        "Shopify refund " + refund_id + " is pending at the payment gateway; posted once its money went back";
    return outcome;
  }
  if ((*refund)->money == RefundMoney::kFailed) {
    return fail(Error{"upstream_rejected", "Shopify refund " + refund_id +
                                               "'s refund transactions failed at the payment gateway: no money went "
                                               "back to the buyer, nothing to book"});
  }
  return std::nullopt;
}

}  // namespace refundsync
