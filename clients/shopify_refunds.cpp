// Reading refunds: one refund with all its lines (what a refunds/create webhook triggers), and the refund ids of
// orders (reconciliation, retrieve), each query inside the cost budget of clients/shopify_queries.h.
#include <simdjson.h>

#include "clients/shopify_client.h"
#include "clients/shopify_json.h"
#include "clients/shopify_queries.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {
namespace {

using shopify_json::ShopMoney;

// False when a line's amount is present but not money (the refund then fails with invalid_amount).
bool AppendRefundLines(simdjson::dom::array nodes, std::vector<RefundLine>& out) {
  bool valid = true;
  for (auto node : nodes) {
    RefundLine line;
    std::int64_t quantity = 0;
    if (!node["quantity"].get_int64().get(quantity)) line.quantity = quantity;
    simdjson::dom::element item;
    if (!node["lineItem"].get(item) && !item.is_null()) {
      line.sku = JsonText(item, "sku");
      line.line_item_id = JsonText(item, "id");
    }
    simdjson::dom::element set;
    if (!node["subtotalSet"].get(set)) valid &= (line.subtotal = ShopMoney(set)).has_value();
    if (!node["totalTaxSet"].get(set)) valid &= (line.tax = ShopMoney(set)).has_value();
    out.push_back(std::move(line));
  }
  return valid;
}

// What went back to the buyer, from the refund's REFUND transactions (Shopify: "The existence of a Refund object
// doesn't guarantee that the money has been returned"): any still with the gateway makes it pending; none
// succeeding of several makes it failed; otherwise the successful ones' sum is the amount.
Result<void> SettleMoney(simdjson::dom::element refund, ShopifyRefundRecord& record) {
  simdjson::dom::element transactions;
  if (refund["transactions"].get(transactions)) return {};
  bool more = false;
  if (!transactions["pageInfo"]["hasNextPage"].get_bool().get(more) && more) {
    return MakeError("upstream_rejected",
                     "Shopify refund " + record.refund_id + " has more transactions than one page holds");
  }
  simdjson::dom::array nodes;
  if (transactions["nodes"].get_array().get(nodes)) return {};
  std::int64_t sent = 0;
  bool any = false, pending = false, succeeded = false;
  for (auto node : nodes) {
    if (JsonText(node, "kind") != "REFUND") continue;
    any = true;
    const std::string status = JsonText(node, "status");
    if (status == "SUCCESS") {
      succeeded = true;
      simdjson::dom::element set;
      auto amount = node["amountSet"].get(set) ? std::nullopt : ShopMoney(set);
      // A zero amount adds nothing (if all are zero, nothing went back: no money, not invalid).
      if (!amount || amount->currency != record.amount.currency || !AddMinorUnits(sent, amount->minor_units)) {
        return MakeError("invalid_amount", "Shopify refund " + record.refund_id +
                                               " has a successful transaction whose amount is not a refund amount");
      }
    } else if (status != "FAILURE" && status != "ERROR") {
      pending = true;  // PENDING, AWAITING_RESPONSE, UNKNOWN
    }
  }
  if (!any) return {};  // nothing went through a gateway: the total is what was refunded (0 when restock only)
  record.money = pending ? RefundMoney::kPending : succeeded ? RefundMoney::kSent : RefundMoney::kFailed;
  if (record.money == RefundMoney::kSent) record.amount = Money{sent, record.amount.currency};
  return {};
}

std::vector<ShopifyRefundRef> RefundRefs(const std::string& order_id, simdjson::dom::element order) {
  std::vector<ShopifyRefundRef> out;
  simdjson::dom::array refunds;
  if (order["refunds"].get_array().get(refunds)) return out;
  for (auto refund : refunds) out.push_back(ShopifyRefundRef{order_id, JsonText(refund, "legacyResourceId")});
  return out;
}

}  // namespace

Result<std::optional<ShopifyRefundRecord>> ShopifyGraphQlClient::GetRefund(const std::string& numeric_refund_id) {
  ShopifyRefundRecord record;
  std::string after;
  for (int page = 0; page < 100; ++page) {
    JsonWriter variables;
    variables.BeginObject().Key("id").String("gid://shopify/Refund/" + numeric_refund_id);
    if (after.empty()) {
      variables.Key("after").Null();
    } else {
      variables.Key("after").String(after);
    }
    variables.EndObject();
    auto data = Execute(shopify_queries::kRefund, variables.str());
    if (!data) return data.error();
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(*data);
    simdjson::dom::element refund;
    if (root["refund"].get(refund) || refund.is_null()) return std::optional<ShopifyRefundRecord>();
    if (page == 0) {
      record.refund_id = JsonText(refund, "legacyResourceId");
      record.created_at = JsonText(refund, "createdAt");
      simdjson::dom::element order;
      if (refund["order"].get(order) || order.is_null())
        return MakeError("upstream_unavailable", "Shopify refund without its order");
      record.order_id = JsonText(order, "legacyResourceId");
      simdjson::dom::element set;
      if (refund["totalRefundedSet"].get(set))
        return MakeError("upstream_unavailable", "Shopify refund without a total");
      auto total = ShopMoney(set);
      if (!total)
        return MakeError("invalid_amount", "Shopify refund " + numeric_refund_id + " has an unreadable total");
      record.amount = *total;
      std::int64_t shipping = 0;
      bool more_shipping = false;
      if (!refund["refundShippingLines"]["pageInfo"]["hasNextPage"].get_bool().get(more_shipping) && more_shipping) {
        return MakeError("upstream_rejected",
                         "Shopify refund " + numeric_refund_id + " has more shipping lines than one page holds");
      }
      simdjson::dom::array shipping_lines;
      if (!refund["refundShippingLines"]["nodes"].get_array().get(shipping_lines)) {
        for (auto line : shipping_lines) {
          if (!line["subtotalAmountSet"].get(set)) {
            auto money = ShopMoney(set);
            if (!money || !AddMinorUnits(shipping, money->minor_units)) {
              return MakeError("invalid_amount",
                               "Shopify refund " + numeric_refund_id + " has an unreadable shipping amount");
            }
          }
        }
      }
      if (shipping != 0) record.shipping = Money{shipping, record.amount.currency};
      if (auto settled = SettleMoney(refund, record); !settled) return settled.error();
    }
    simdjson::dom::element lines;
    if (refund["refundLineItems"].get(lines)) break;
    simdjson::dom::array nodes;
    if (!lines["nodes"].get_array().get(nodes) && !AppendRefundLines(nodes, record.lines)) {
      return MakeError("invalid_amount",
                       "Shopify refund " + numeric_refund_id + " has a line whose amount is unreadable");
    }
    bool has_next = false;
    if (lines["pageInfo"]["hasNextPage"].get_bool().get(has_next) || !has_next) break;
    after = JsonText(lines["pageInfo"], "endCursor");
    if (after.empty()) break;
  }
  return std::optional<ShopifyRefundRecord>(std::move(record));
}

Result<std::vector<ShopifyRefundRef>> ShopifyGraphQlClient::RefundIdsOfOrdersUpdatedSince(const std::string& since) {
  std::vector<ShopifyRefundRef> out;
  std::string after;
  for (int page = 0; page < 10000; ++page) {
    JsonWriter variables;
    variables.BeginObject().Key("query").String("updated_at:>='" + since + "'");
    if (after.empty()) {
      variables.Key("after").Null();
    } else {
      variables.Key("after").String(after);
    }
    variables.EndObject();
    auto data = Execute(shopify_queries::kRefundIdsOfOrders, variables.str());
    if (!data) return data.error();
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(*data);
    simdjson::dom::array orders;
    if (root["orders"]["nodes"].get_array().get(orders))
      return MakeError("upstream_unavailable", "orders answer without nodes");
    for (auto order : orders) {
      const std::string order_id = JsonText(order, "legacyResourceId");
      auto refs = RefundRefs(order_id, order);
      if (refs.size() >= static_cast<std::size_t>(shopify_queries::kOrderRefundsShown)) {
        // The listing shows an order's first 50 refunds: read all of this one's alone.
        auto all = RefundIdsOfOrder(order_id);
        if (!all) return all.error();
        if (*all) refs = std::move(**all);
      }
      for (auto& ref : refs) out.push_back(std::move(ref));
    }
    bool has_next = false;
    if (root["orders"]["pageInfo"]["hasNextPage"].get_bool().get(has_next) || !has_next) break;
    after = JsonText(root["orders"]["pageInfo"], "endCursor");
    if (after.empty()) break;
  }
  return out;
}

Result<std::optional<std::vector<ShopifyRefundRef>>> ShopifyGraphQlClient::RefundIdsOfOrder(
    const std::string& numeric_order_id) {
  JsonWriter variables;
  variables.BeginObject().Key("id").String("gid://shopify/Order/" + numeric_order_id).EndObject();
  auto data = Execute(shopify_queries::kRefundIdsOfOrder, variables.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::element order;
  if (root["order"].get(order) || order.is_null()) return std::optional<std::vector<ShopifyRefundRef>>();
  return std::optional<std::vector<ShopifyRefundRef>>(RefundRefs(numeric_order_id, order));
}

}  // namespace refundsync
