#include "handlers/admin_actions.h"

#include "core/external_id.h"
#include "core/log.h"
#include "handlers/refund_source.h"

namespace refundsync {

Result<RefundContext> AdminActions::BilledContext(const AccountConfig& account, const std::string& order_id) const {
  auto id_template = ExternalIdTemplate::Parse(account.order_external_id, account.id);
  if (!id_template) return MakeError("order_not_synced", id_template.error().message);
  const std::string external_id = id_template->Render(order_id);
  if (!IsIdentifier(external_id))
    return MakeError("order_not_synced", "order " + order_id + " has no valid external id");
  auto context = ledger_.LoadRefundContext(external_id);
  if (!context) return context.error();
  if (!context->sales_order)
    return MakeError("order_not_synced", "order " + order_id + " was not previously synced to NetSuite");
  if (!context->billed)
    return MakeError("order_not_billed", "order " + order_id + " is not billed in NetSuite (no invoice or cash sale)");
  return context;
}

Result<RetrieveResult> AdminActions::ImportAll(const AccountConfig& account, const std::vector<Transaction>& fresh,
                                               SourceSystem source, SyncStore& store) const {
  RetrieveResult result;
  for (const auto& tx : fresh) {
    auto known = store.Load(tx.id);
    if (!known) return known.error();
    // Known and settled, or waiting for an operator: nothing to import. Still `imported` on an account that posts
    // by itself means an earlier retrieve died between storing and posting it (nothing else would ever retry
    // it): Import resumes the post, which finds a record that attempt may have made.
    const bool stranded = *known && (*known)->status == TxStatus::kImported && account.auto_post;
    if (*known && !SkippedForCutover(**known) && !stranded) {
      result.already_known.push_back(tx.id);
      continue;
    }
    auto imported = processor_.Import(account, tx, store, /*automatic=*/false, source);
    if (!imported) return imported.error();
    result.imported.push_back(std::move(*imported));
  }
  return result;
}

Result<RetrieveResult> AdminActions::Retrieve(const std::string& account_id, const std::string& source,
                                              const std::string& order_id, SyncStore& store) const {
  const AccountConfig* account = config_.FindAccount(account_id);
  if (account == nullptr) return MakeError("unknown_account", "no account " + account_id);
  if (source != "netsuite" && source != "storefront") {
    return MakeError("bad_request", "source must be netsuite or storefront");
  }
  const Direction wanted = source == "netsuite" ? Direction::kFromNetSuite : Direction::kToNetSuite;
  if (account->direction != wanted) {
    return MakeError("direction_mismatch", "account " + account_id + " syncs refunds " +
                                               std::string(DirectionName(account->direction)) + "; retrieving from " +
                                               (source == "netsuite" ? "NetSuite" : "the storefront") +
                                               " contradicts it");
  }
  const std::int64_t now = clock_.NowMs();
  if (source == "storefront") {
    if (auto billed = BilledContext(*account, order_id); !billed) return billed.error();
    std::vector<Transaction> fresh;
    if (account->channel == Channel::kEbay) {
      auto client = ebay_.find(account->id);
      if (client == ebay_.end()) return MakeError("upstream_rejected", "no eBay client");
      auto order = client->second->GetOrder(order_id);
      if (!order) return order.error();
      if (!*order) return MakeError("order_not_synced", "eBay has no order " + order_id);
      fresh = TransactionsFromEbayOrder(*account, **order, now);
    } else {
      auto client = shopify_.find(account->id);
      if (client == shopify_.end()) return MakeError("upstream_rejected", "no Shopify client");
      auto refs = client->second->RefundIdsOfOrder(order_id);
      if (!refs) return refs.error();
      if (!*refs) {
        const std::string hint = MissingOrderScopeHint(*client->second);
        if (hint.empty()) return MakeError("order_not_synced", "Shopify has no order " + order_id);
        return MakeError("upstream_rejected", "Shopify shows no order " + order_id + ": " + hint);
      }
      for (const auto& ref : **refs) {
        Transaction listed = TransactionFromShopifyRef(*account, ref, now);
        auto known = store.Load(listed.id);
        if (!known) return known.error();
        if (*known) {  // ImportAll decides on what is stored; no need to read the refund again
          fresh.push_back(std::move(listed));
          continue;
        }
        auto refund = client->second->GetRefund(ref.refund_id);
        if (!refund) return refund.error();
        if (!*refund)
          return MakeError("upstream_rejected",
                           "Shopify lists refund " + ref.refund_id + " of order " + order_id + " but does not show it");
        fresh.push_back(TransactionFromShopifyRecord(*account, **refund, now));
      }
    }
    return ImportAll(*account, fresh, SourceSystem::kStorefront, store);
  }
  // From NetSuite: the cash refunds / credit memos generated from the order's billed record. One issued from a
  // return authorization is not synced to the storefront (its event is refused the same way).
  auto context = BilledContext(*account, order_id);
  if (!context) return context.error();
  std::erase_if(context->refunds, [](const ExistingRefund& refund) { return refund.from_return; });
  if (context->refunds.empty()) {
    return MakeError("no_refund_record",
                     "order " + order_id + " has no cash refund or credit memo generated from its " +
                         "billed record (" + context->billed->type + " " + context->billed->id + ")");
  }
  std::vector<Transaction> fresh;
  for (const auto& refund : context->refunds) {
    auto resolved = processor_.ResolveNetSuite(RecordName(refund.type), refund.id);
    if (!resolved) return resolved.error();
    fresh.push_back(std::move(resolved->tx));
  }
  return ImportAll(*account, fresh, SourceSystem::kNetSuite, store);
}

Result<Transaction> AdminActions::PostNow(const std::string& tx_id, SyncStore& store, bool& already_posted) const {
  auto loaded = store.Load(tx_id);
  if (!loaded) return loaded.error();
  if (!*loaded) return MakeError("not_found", "no transaction " + tx_id);
  already_posted = (*loaded)->status == TxStatus::kPosted;
  if (already_posted) return std::move(**loaded);
  const AccountConfig* account = config_.FindAccount((*loaded)->account);
  if (account == nullptr) return MakeError("unknown_account", "transaction " + tx_id + " is of no configured account");
  if ((*loaded)->status == TxStatus::kSkipped) {
    const std::string why = (*loaded)->history.empty() ? "no reason recorded" : (*loaded)->history.back().note;
    return MakeError("direction_mismatch", "transaction " + tx_id + " was skipped: " + why);
  }
  log::Info("operator_post", {{"tx", tx_id}, {"account", account->id}});
  // Post reads a Shopify refund from Shopify again: the transaction may hold a webhook's payload from when Shopify
  // did not show the refund (its order older than the token could see).
  return processor_.Post(*account, std::move(**loaded), store);
}

}  // namespace refundsync
