#include "handlers/from_netsuite_handler.h"

#include <limits>

#include "core/external_id.h"

namespace refundsync {
namespace {

PostOutcome Failed(std::string code, std::string message) {
  PostOutcome outcome;
  outcome.error = MakeError(std::move(code), std::move(message));
  return outcome;
}

// An upstream's error as it came.
PostOutcome FailedWith(const Error& error) {
  PostOutcome outcome;
  outcome.error = error;
  return outcome;
}

}  // namespace

Result<ResolvedNetSuiteRefund> FromNetSuiteHandler::Resolve(const std::string& record_type, const std::string& record_id,
                                                        std::int64_t now_ms) const {
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
    return Failed("upstream_rejected", "posting NetSuite refunds to " + std::string(ChannelName(account.channel)) +
                                           " is not built yet");
  }
  return PostToShopify(account, tx);
}

PostOutcome FromNetSuiteHandler::PostToEbay(const AccountConfig& account, const Transaction& tx,
                                        const BeforeIrreversible& before) const {
  auto client = ebay_.find(account.id);
  if (client == ebay_.end()) return Failed("upstream_rejected", "no eBay client for " + account.id);
  auto order = client->second->GetOrder(tx.order_id);
  if (!order) return FailedWith(order.error());
  if (!*order) return Failed("order_not_synced", "eBay has no order " + tx.order_id + " for account " + account.id);
  const EbayOrder& ebay = **order;
  auto find = [&ebay](const std::string& id) -> const EbayRefund* {
    for (const auto& refund : ebay.refunds) {
      if (refund.refund_id == id) return &refund;
    }
    return nullptr;
  };
  auto judge = [&](const EbayRefund& refund) {
    PostOutcome outcome;
    outcome.target_record = "ebay:refund:" + refund.refund_id;
    outcome.sales_order = tx.sales_order;
    outcome.billed_record = tx.billed_record;
    if (refund.status == "REFUNDED") {
      outcome.status = TxStatus::kPosted;
    } else if (refund.status == "FAILED") {
      outcome.error = MakeError("upstream_rejected", "eBay refund " + refund.refund_id + " FAILED");
    } else {
      outcome.status = TxStatus::kImported;
      outcome.pending = true;
      outcome.note = "eBay refund " + refund.refund_id + " is " + refund.status + "; checking again later";
    }
    return outcome;
  };
  // Issued by an earlier attempt: follow that refund, never issue another.
  if (!tx.target_record.empty()) {
    const std::string id = tx.target_record.substr(tx.target_record.rfind(':') + 1);
    if (const EbayRefund* refund = find(id)) return judge(*refund);
    return Failed("upstream_unknown", "eBay refund " + id + " is not on order " + tx.order_id + "; check it in eBay");
  }
  // An earlier attempt stopped between noting the order's refunds and storing the answer: a refund of our
  // amount that was not there before is ours; none means we cannot tell, and an operator must look.
  std::string earlier;
  for (const auto& entry : tx.history) {
    if (entry.note.rfind(kIssuingNote, 0) == 0) {
      earlier = entry.note.substr(kIssuingNote.size()) + ",";
    } else if (entry.note.find(kNotIssuedNote) != std::string::npos) {
      earlier.clear();  // that attempt made no refund
    }
  }
  if (!earlier.empty()) {
    for (const auto& refund : ebay.refunds) {
      if (earlier.find(refund.refund_id + ",") == std::string::npos && refund.amount == tx.amount) return judge(refund);
    }
    return Failed("upstream_unknown", "an earlier attempt may have issued this refund on eBay order " + tx.order_id +
                                          " and no new refund of " + FormatDecimal(tx.amount) +
                                          " shows; check the order in eBay before posting again");
  }
  // What the order can still refund: its total (items, shipping, tax) less its refunds that did not fail. eBay
  // may allow less (taxes it collects itself): then its refusal, with its reason, fails the transaction.
  std::int64_t refunded = 0;
  const std::int64_t total = ebay.total.minor_units;
  for (const auto& refund : ebay.refunds) {
    if (refund.status != "FAILED" && !AddMinorUnits(refunded, refund.amount.minor_units)) {
      refunded = std::numeric_limits<std::int64_t>::max();  // saturated: nothing remains refundable
    }
  }
  if (tx.amount.minor_units > total - refunded) {
    return Failed("amount_mismatch", "eBay can refund at most " + FormatDecimal(Money{total - refunded, tx.amount.currency}) +
                                         " on order " + tx.order_id + ", NetSuite refunded " + FormatDecimal(tx.amount));
  }
  // Always an order-level refund: eBay lists it in paymentSummary.refunds with its status, which is how this
  // refund is followed (and found again after an unclear answer); a line-item refund is listed only on its line,
  // without a status (Fulfillment OAS, OrderRefund.refundId).
  EbayRefundRequest request;
  request.order_id = tx.order_id;
  request.comment = "NetSuite " + tx.source_record;
  request.amount = tx.amount;
  std::string before_ids;
  for (const auto& refund : ebay.refunds) before_ids += (before_ids.empty() ? "" : ",") + refund.refund_id;
  if (!before(std::string(kIssuingNote) + before_ids)) {
    return Failed("upstream_unavailable",
                  std::string(kNotIssuedNote) + ": could not note the order's refunds before issuing, nothing sent");
  }
  auto issued = client->second->IssueRefund(request);
  if (issued) {
    return judge(EbayRefund{issued->refund_id, issued->status, tx.amount, "", ""});
  }
  const Error& refused = issued.error();
  if (refused.kind == ErrorKind::kRejected) {
    return Failed(refused.code, std::string(kNotIssuedNote) + ": " + refused.message);
  }
  // Unclear: eBay may have made the refund. Look again; only a new refund of our amount settles it.
  auto reread = client->second->GetOrder(tx.order_id);
  if (reread && *reread) {
    bool any_new = false;
    for (const auto& refund : (*reread)->refunds) {
      if (("," + before_ids + ",").find("," + refund.refund_id + ",") == std::string::npos) {
        if (refund.amount == tx.amount) return judge(refund);
        any_new = true;
      }
    }
    if (refused.vendor_error == kEbayRefundInProgress && !any_new) {
      // An earlier refund of the order is still processing at eBay: nothing was issued. Wait like a pending refund
      // (however long eBay takes, without using up attempts), then issue.
      PostOutcome waiting;
      waiting.status = TxStatus::kImported;
      waiting.pending = true;
      waiting.sales_order = tx.sales_order;
      waiting.billed_record = tx.billed_record;
      waiting.note = std::string(kNotIssuedNote) + ": an earlier refund of order " + tx.order_id +
                     " is still processing at eBay (34922); issuing once it is done";
      return waiting;
    }
    if (refused.kind == ErrorKind::kUnavailable && refused.upstream_status == 429 && !any_new) {
      // Throttled, and no new refund of any amount: eBay did not take the request; the next attempt issues again.
      return Failed("upstream_unavailable", std::string(kNotIssuedNote) + ": " + refused.message);
    }
    if (refused.kind == ErrorKind::kUnavailable && refused.upstream_status != 0) {
      // A 5xx may hide a refund eBay made (or shows later): retry, keeping the issuing note, so the next attempt
      // looks for it first and never issues a second one.
      return FailedWith(refused);
    }
  }
  return Failed("upstream_unknown", "eBay issue_refund on order " + tx.order_id + " ended unclearly (" +
                                        issued.error().message + ") and no new refund shows yet; check eBay, then post");
}

PostOutcome FromNetSuiteHandler::PostToShopify(const AccountConfig& account, const Transaction& tx) const {
  auto client = shopify_.find(account.id);
  if (client == shopify_.end()) return Failed("upstream_rejected", "no Shopify client for " + account.id);
  auto order = client->second->GetOrder(tx.order_id);
  if (!order) return FailedWith(order.error());
  if (!*order) {
    // Without read_all_orders Shopify shows only the last 60 days of orders: say so rather than "no order".
    const std::string hint = MissingOrderScopeHint(*client->second);
    if (!hint.empty()) return Failed("upstream_rejected", "Shopify shows no order " + tx.order_id + ": " + hint);
    return Failed("order_not_synced", "Shopify has no order " + tx.order_id + " for account " + account.id);
  }
  const ShopifyOrder& shop = **order;
  PostOutcome outcome;
  outcome.status = TxStatus::kPosted;
  outcome.sales_order = tx.sales_order;
  outcome.billed_record = tx.billed_record;
  // A refund counts once its money went back: the gateway may still be deciding (checked again later, never
  // made again) or may have declined it (then people decide: making another is not ours to do).
  const auto judge = [&](const ShopifyOrderRefund& refund, const std::string& how) {
    const std::string refund_id = refund.id.substr(refund.id.rfind('/') + 1);
    const std::string named = "Shopify refund " + refund_id + (how.empty() ? "" : " (" + how + ")");
    PostOutcome judged = outcome;
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
        return Failed("upstream_rejected", named + " has a failed refund transaction: the payment gateway declined "
                                                   "it, nothing went back to the buyer");
      case RefundMoney::kUnknown:
        break;
    }
    return Failed("upstream_unknown", named + " shows no refund transaction; check it in Shopify");
  };
  // An earlier attempt made the refund (and died before storing the answer, or it was pending): the refund is on
  // the order with our note, and the order's refundable amounts already count it. Judge it, never make another.
  const std::string note = "NetSuite " + tx.source_record;
  for (const auto& refund : shop.refunds) {
    if (refund.note == note) return judge(refund, "found on the order, made by an earlier attempt");
  }
  if (shop.currency != tx.amount.currency) {
    return Failed("amount_mismatch", "the NetSuite refund is in " + tx.amount.currency + ", the order in " + shop.currency);
  }
  ShopifyRefundRequest request;
  request.order_id = shop.id;
  request.note = note;
  request.amount = tx.amount;
  for (const auto& line : tx.lines) {
    if (config_.netsuite.generic_items.shipping == line.line_item_id ||
        config_.netsuite.generic_items.adjustment == line.line_item_id) {
      continue;  // shipping and adjustments are money, not items: they are in the transaction amount
    }
    const ShopifyLineItem* match = nullptr;
    for (const auto& item : shop.line_items) {
      if (!line.sku.empty() && item.sku == line.sku) match = &item;
    }
    if (match == nullptr) return Failed("unknown_line_item", "SKU \"" + line.sku + "\" is not on Shopify order " + tx.order_id);
    if (line.quantity > match->refundable_quantity) {
      return Failed("amount_mismatch", "Shopify can refund only " + std::to_string(match->refundable_quantity) +
                                           " of SKU " + line.sku + ", NetSuite refunded " + std::to_string(line.quantity));
    }
    request.lines.emplace_back(match->id, line.quantity);
  }
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
  if (request.parent_transaction.empty()) return Failed("amount_mismatch", "Shopify order " + tx.order_id + " has no payment to refund");
  const std::int64_t refundable = paid - shop.refunded.minor_units;
  if (tx.amount.minor_units > refundable) {
    return Failed("amount_mismatch", "the storefront can refund at most " + FormatDecimal(Money{refundable, tx.amount.currency}) +
                                         ", NetSuite refunded " + FormatDecimal(tx.amount));
  }
  auto refund = client->second->CreateRefund(request, ToNetSuiteHandler::Marker(tx));
  if (!refund) return FailedWith(refund.error());
  return judge(*refund, "");
}

}  // namespace refundsync
