#include "handlers/outbound_handler.h"

#include "core/external_id.h"

namespace refundsync {
namespace {

PostOutcome Failed(std::string code, std::string message) {
  PostOutcome outcome;
  outcome.error = MakeError(std::move(code), std::move(message));
  return outcome;
}

}  // namespace

std::string NetSuiteRestType(const std::string& record_type) {
  if (record_type == "cashrefund") return "cashRefund";
  if (record_type == "creditmemo") return "creditMemo";
  return record_type;
}

Result<ResolvedNetSuiteRefund> OutboundHandler::Resolve(const std::string& record_type, const std::string& record_id,
                                                        std::int64_t now_ms) const {
  const std::string type = NetSuiteRestType(record_type);
  const std::string source_record = "netsuite:" + record_type + ":" + record_id;
  auto refund = netsuite_.GetRecord(type, record_id);
  if (!refund) return refund.error();
  if (!*refund) return MakeError("no_refund_record", source_record + " does not exist (deleted?)");
  if ((*refund)->created_from.empty()) {
    return MakeError("no_refund_record", source_record + " was not created from a billed record");
  }
  const std::string billed_type = type == "cashRefund" ? "cashSale" : "invoice";
  auto billed = netsuite_.GetRecord(billed_type, (*refund)->created_from);
  if (!billed) return billed.error();
  if (!*billed || (*billed)->created_from.empty()) {
    return MakeError("no_refund_record", source_record + " was not created from the billed record of a synced order");
  }
  auto sales_order = netsuite_.GetRecord("salesOrder", (*billed)->created_from);
  if (!sales_order) return sales_order.error();
  if (!*sales_order) return MakeError("no_refund_record", source_record + ": its sales order is gone");
  const std::string& external_id = (*sales_order)->external_id;
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
    return MakeError("order_not_synced", "sales order " + (*sales_order)->id + " (external id \"" + external_id +
                                             "\") is not the order of any configured account");
  }
  Transaction& tx = resolved.tx;
  tx.account = resolved.account->id;
  tx.direction = std::string(DirectionName(resolved.account->direction));
  tx.source_record = source_record;
  tx.id = TransactionId(tx.account, source_record);
  tx.order_id = order_id;
  tx.sales_order = (*sales_order)->id;
  tx.billed_record = billed_type + ":" + (*billed)->id;
  tx.amount = (*refund)->total;
  tx.source_created_at = (*refund)->created_at;
  for (const auto& line : (*refund)->lines) {
    tx.lines.push_back(RefundLine{line.item_id, line.sku, line.quantity, std::make_optional(line.amount),
                                  std::make_optional(line.tax)});
  }
  tx.created_ms = now_ms;
  tx.Record(now_ms, TxStatus::kImported, "imported from " + source_record);
  return resolved;
}

PostOutcome OutboundHandler::Post(const AccountConfig& account, const Transaction& tx) const {
  if (account.channel != Channel::kShopify) {
    return Failed("upstream_rejected", "posting NetSuite refunds to " + std::string(ChannelName(account.channel)) +
                                           " is not built yet");
  }
  auto client = shopify_.find(account.id);
  if (client == shopify_.end()) return Failed("upstream_rejected", "no Shopify client for " + account.id);
  auto order = client->second->GetOrder(tx.order_id);
  if (!order) return Failed(order.error().code, order.error().message);
  if (!*order) {
    return Failed("order_not_synced", "Shopify has no order " + tx.order_id + " for account " + account.id);
  }
  const ShopifyOrder& shop = **order;
  if (shop.currency != tx.amount.currency) {
    return Failed("amount_mismatch", "the NetSuite refund is in " + tx.amount.currency + ", the order in " + shop.currency);
  }
  ShopifyRefundRequest request;
  request.order_id = shop.id;
  request.note = "NetSuite " + tx.source_record;
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
      paid += transaction.amount.minor_units;
    }
  }
  if (request.parent_transaction.empty()) return Failed("amount_mismatch", "Shopify order " + tx.order_id + " has no payment to refund");
  const std::int64_t refundable = paid - shop.refunded.minor_units;
  if (tx.amount.minor_units > refundable) {
    return Failed("amount_mismatch", "the storefront can refund at most " + FormatDecimal(Money{refundable, tx.amount.currency}) +
                                         ", NetSuite refunded " + FormatDecimal(tx.amount));
  }
  auto refund = client->second->CreateRefund(request, InboundHandler::Marker(tx));
  if (!refund) return Failed(refund.error().code, refund.error().message);
  PostOutcome outcome;
  outcome.status = TxStatus::kPosted;
  outcome.target_record = "shopify:refund:" + refund->substr(refund->rfind('/') + 1);
  outcome.sales_order = tx.sales_order;
  outcome.billed_record = tx.billed_record;
  return outcome;
}

}  // namespace refundsync
