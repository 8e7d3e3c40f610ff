#include "handlers/from_netsuite_handler.h"

#include <limits>

#include "core/external_id.h"
#include "handlers/refund_source.h"

namespace refundsync {

namespace {

// A refund counts once its money went back: the gateway may still be deciding (checked again later, never made
// again) or may have declined it (then people decide: making another is not ours to do).
PostOutcome JudgeShopifyRefund(const Transaction& tx, const ShopifyOrderRefund& refund, const std::string& how) {
  const std::string refund_id = refund.id.substr(refund.id.rfind('/') + 1);
  const std::string named = "Shopify refund " + refund_id + (how.empty() ? "" : " (" + how + ")");
  PostOutcome judged;
  judged.status = TxStatus::kPosted;
  judged.sales_order = tx.sales_order;
  judged.billed_record = tx.billed_record;
  judged.target_record = "shopify:refund:" + refund_id;
  switch (RefundMoneyOf(refund.refund_statuses, tx.amount.minor_units != 0)) {
    case RefundMoney::kSent:
      judged.note = how;
      return judged;
    case RefundMoney::kPending:
      judged.status = TxStatus::kImported;
      judged.pending = true;
      judged.note = named + " is pending at the payment gateway; checking again later";
      return judged;
    case RefundMoney::kFailed:
      return FailedOutcome("upstream_rejected", named +
                                                    " has a failed refund transaction: the payment gateway declined "
                                                    "it, nothing went back to the buyer");
    case RefundMoney::kUnknown:
      break;
  }
  return FailedOutcome("upstream_unknown", named + " shows no refund transaction; check it in Shopify");
}

// Each NetSuite line on the order's line item of the same SKU, within its refundable quantity. Shipping and
// adjustment lines are money, not items: they are in the transaction's amount.
std::optional<PostOutcome> AddShopifyLines(const GenericItems& generic, const Transaction& tx, const ShopifyOrder& shop,
                                           ShopifyRefundRequest& request) {
  for (const auto& line : tx.lines) {
    if (generic.shipping == line.line_item_id || generic.adjustment == line.line_item_id) continue;
    const ShopifyLineItem* match = nullptr;
    for (const auto& item : shop.line_items) {
      if (!line.sku.empty() && item.sku == line.sku) match = &item;
    }
    if (match == nullptr)
      return FailedOutcome("unknown_line_item", "SKU \"" + line.sku + "\" is not on Shopify order " + tx.order_id);
    if (line.quantity > match->refundable_quantity) {
      return FailedOutcome("amount_mismatch", "Shopify can refund only " + std::to_string(match->refundable_quantity) +
                                                  " of SKU " + line.sku + ", NetSuite refunded " +
                                                  std::to_string(line.quantity));
    }
    request.lines.emplace_back(match->id, line.quantity);
  }
  return std::nullopt;
}

// The refund goes back against the order's first successful sale or capture, and only up to what was paid and
// not refunded yet.
std::optional<PostOutcome> AgainstPayment(const Transaction& tx, const ShopifyOrder& shop,
                                          ShopifyRefundRequest& request) {
  std::int64_t paid = 0;
  for (const auto& transaction : shop.transactions) {
    if ((transaction.kind == "SALE" || transaction.kind == "CAPTURE") && transaction.status == "SUCCESS") {
      if (request.parent_transaction.empty()) {
        request.parent_transaction = transaction.id;
        request.gateway = transaction.gateway;
      }
      if (!AddMinorUnits(paid, transaction.amount.minor_units)) paid = std::numeric_limits<std::int64_t>::max();
    }
  }
  if (request.parent_transaction.empty())
    return FailedOutcome("amount_mismatch", "Shopify order " + tx.order_id + " has no payment to refund");
  const std::int64_t refundable = paid - shop.refunded.minor_units;
  if (tx.amount.minor_units <= refundable) return std::nullopt;
  return FailedOutcome("amount_mismatch", "the storefront can refund at most " +
                                              FormatDecimal(Money{refundable, tx.amount.currency}) +
                                              ", NetSuite refunded " + FormatDecimal(tx.amount));
}

}  // namespace

Result<ResolvedNetSuiteRefund> FromNetSuiteHandler::Resolve(const std::string& record_type,
                                                            const std::string& record_id, std::int64_t now_ms) const {
  const std::string type = NetSuiteRestType(record_type);
  const std::string source_record = "netsuite:" + record_type + ":" + record_id;
  auto refund = ledger_.ReadRefund(type, record_id);
  if (!refund) return refund.error();
  if (!*refund) return MakeError("no_refund_record", source_record + " does not exist (deleted?)");
  if ((*refund)->created_from.empty()) {
    return MakeError("no_refund_record", source_record + " was not created from a billed record");
  }
  // Its billed record and that record's sales order, in one read (the refund itself came with its lines above).
  const std::string billed_type = type == "cashRefund" ? "cashSale" : "invoice";
  auto origin = ledger_.OriginOf((*refund)->created_from);
  if (!origin) return origin.error();
  if (!*origin) {
    return MakeError("no_refund_record", source_record + " was not created from the billed record of a synced order");
  }
  const std::string& sales_order_id = (*origin)->sales_order;
  const std::string& external_id = (*origin)->order_external_id;
  ResolvedNetSuiteRefund resolved;
  resolved.marked_origin = ToNetSuiteHandler::MarkedTransaction((*refund)->external_id);
  if (!resolved.marked_origin) resolved.marked_origin = ToNetSuiteHandler::MarkedTransaction((*refund)->memo);
  std::string order_id;
  for (const auto& account : config_.accounts) {
    auto id_template = ExternalIdTemplate::Parse(account.order_external_id, account.id);
    if (!id_template) continue;
    if (auto matched = id_template->Match(external_id)) {
      resolved.account = &account;
      order_id = *matched;
      break;  // check-config guarantees at most one account matches
    }
  }
  if (resolved.account == nullptr) {
    return MakeError("order_not_synced", "sales order " + sales_order_id + " (external id \"" + external_id +
                                             "\") is not the order of any configured account");
  }
  Transaction& tx = resolved.tx;
  tx.account = resolved.account->id;
  tx.direction = std::string(DirectionName(resolved.account->direction));
  tx.source_record = source_record;
  tx.id = TransactionId(tx.account, source_record);
  tx.order_id = order_id;
  tx.sales_order = sales_order_id;
  tx.billed_record = billed_type + ":" + (*refund)->created_from;
  tx.amount = (*refund)->total;
  if (!(*refund)->amount_error.empty()) tx.error = Error{"invalid_amount", (*refund)->amount_error};
  tx.source_created_at = (*refund)->created_at;
  for (const auto& line : (*refund)->lines) {
    tx.lines.push_back(RefundLine{line.item_id, line.sku, line.quantity, std::make_optional(line.amount),
                                  std::make_optional(line.tax)});
  }
  tx.created_ms = now_ms;
  tx.Record(now_ms, TxStatus::kImported, "imported from " + source_record);
  return resolved;
}

PostOutcome FromNetSuiteHandler::Post(const AccountConfig& account, const Transaction& tx,
                                      const BeforeIrreversible& before) const {
  if (account.channel == Channel::kEbay) return PostToEbay(account, tx, before);
  if (account.channel != Channel::kShopify) {
    return FailedOutcome("upstream_rejected", "posting NetSuite refunds to " +
                                                  std::string(ChannelName(account.channel)) + " is not built yet");
  }
  return PostToShopify(account, tx);
}

PostOutcome FromNetSuiteHandler::PostToShopify(const AccountConfig& account, const Transaction& tx) const {
  // 1. The order, with its line items, payments and refunds.
  auto client = shopify_.find(account.id);
  if (client == shopify_.end()) return FailedOutcome("upstream_rejected", "no Shopify client for " + account.id);
  ShopifyStorefront& shopify = *client->second;
  auto order = shopify.GetOrder(tx.order_id);
  if (!order) return FailedOutcome(order.error());
  if (!*order) {
    // Without read_all_orders Shopify shows only the last 60 days of orders: say so rather than "no order".
    const std::string hint = MissingOrderScopeHint(shopify);
    if (!hint.empty()) return FailedOutcome("upstream_rejected", "Shopify shows no order " + tx.order_id + ": " + hint);
    return FailedOutcome("order_not_synced", "Shopify has no order " + tx.order_id + " for account " + account.id);
  }
  const ShopifyOrder& shop = **order;

  // 2. An earlier attempt made the refund (and died before storing the answer, or it was pending): the refund is on
  // the order with our note, and the order's refundable amounts already count it. Judge it, never make another.
  const std::string note = std::string(kStorefrontNotePrefix) + tx.source_record;
  for (const auto& refund : shop.refunds) {
    if (refund.note == note) return JudgeShopifyRefund(tx, refund, "found on the order, made by an earlier attempt");
  }

  // 3. The refund request: the items by SKU, against the order's payment, within what remains refundable.
  if (shop.currency != tx.amount.currency) {
    return FailedOutcome("amount_mismatch",
                         "the NetSuite refund is in " + tx.amount.currency + ", the order in " + shop.currency);
  }
  ShopifyRefundRequest request;
  request.order_id = shop.id;
  request.note = note;
  request.amount = tx.amount;
  if (auto refused = AddShopifyLines(config_.netsuite.generic_items, tx, shop, request)) return std::move(*refused);
  if (auto refused = AgainstPayment(tx, shop, request)) return std::move(*refused);

  // 4. Made once: Shopify's idempotency key is our marker, so a retry after a lost answer returns the first refund.
  auto refund = shopify.CreateRefund(request, ToNetSuiteHandler::Marker(tx));
  if (!refund) return FailedOutcome(refund.error());
  return JudgeShopifyRefund(tx, *refund, "");
}

}  // namespace refundsync
