// The Shopify side of the refund audit (ShopifyStorefront::RefundSummariesOfOrdersUpdatedSince).
#include <simdjson.h>

#include "clients/shopify_client.h"
#include "clients/shopify_json.h"
#include "clients/shopify_queries.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {

namespace {

// Shopify's search syntax: orders updated since a time (a refund updates its order).
std::string UpdatedOrdersQuery(const std::string& since) { return "updated_at:>='" + since + "'"; }

// The refunds of one order node as the audit reads them. False when a money amount is unreadable.
bool AppendSummaries(const std::string& order_id, simdjson::dom::element order, const char* date_field,
                     std::vector<ShopifyRefundSummary>& out) {
  simdjson::dom::array refunds;
  if (order["refunds"].get_array().get(refunds)) return true;
  for (auto refund : refunds) {
    ShopifyRefundSummary summary;
    summary.order_id = order_id;
    summary.refund_id = JsonText(refund, "legacyResourceId");
    summary.processed_at = JsonText(refund, date_field);
    bool more = false;
    summary.transactions_complete = refund["transactions"]["pageInfo"]["hasNextPage"].get_bool().get(more) || !more;
    simdjson::dom::array nodes;
    if (!refund["transactions"]["nodes"].get_array().get(nodes)) {
      for (auto node : nodes) {
        if (JsonText(node, "kind") != "REFUND" || JsonText(node, "status") != "SUCCESS") continue;
        simdjson::dom::element set;
        auto amount = node["amountSet"].get(set) ? std::nullopt : shopify_json::ShopMoney(set);
        if (!amount) return false;
        if (summary.returned.currency.empty()) summary.returned.currency = amount->currency;
        if (amount->currency != summary.returned.currency ||
            !AddMinorUnits(summary.returned.minor_units, amount->minor_units)) {
          return false;
        }
      }
    }
    out.push_back(std::move(summary));
  }
  return true;
}

}  // namespace

Result<std::vector<ShopifyRefundSummary>> ShopifyGraphQlClient::RefundSummariesOfOrdersUpdatedSince(
    const std::string& since, const OrdersReadSoFar& on_page) {
  // processedAt can be read from API 2026-01 (Shopify changelog, "Set and retrieve processedAt in the refundCreate
  // mutation"); before it, a refund's time is its creation.
  const char* date_field = config_.api_version >= "2026-01" ? "processedAt" : "createdAt";
  const std::string listing = shopify_queries::AuditRefundsOfOrders(date_field);
  std::vector<ShopifyRefundSummary> out;
  std::string after;
  int orders_read = 0;
  for (int page = 0; page < 100000; ++page) {
    JsonWriter variables;
    variables.BeginObject().Key("query").String(UpdatedOrdersQuery(since)).Key("after");
    after.empty() ? variables.Null() : variables.String(after);
    variables.EndObject();
    auto data = Execute(listing, variables.str());
    if (!data) return data.error();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array orders;
    if (parser.parse(*data).get(root) || root["orders"]["nodes"].get_array().get(orders)) {
      return MakeError("upstream_unavailable", "orders answer without nodes");
    }
    for (auto order : orders) {
      const std::string order_id = JsonText(order, "legacyResourceId");
      simdjson::dom::array shown;
      if (!order["refunds"].get_array().get(shown) && shown.size() >= shopify_queries::kAuditRefundsShown) {
        // The listing shows an order's first refunds only (a plain list, no second page): read this one alone.
        JsonWriter id;
        id.BeginObject().Key("id").String("gid://shopify/Order/" + order_id).EndObject();
        auto whole = Execute(shopify_queries::AuditRefundsOfOrder(date_field), id.str());
        if (!whole) return whole.error();
        simdjson::dom::parser order_parser;
        simdjson::dom::element whole_root, alone;
        simdjson::dom::array all;
        if (order_parser.parse(*whole).get(whole_root) || whole_root["order"].get(alone) || alone.is_null() ||
            alone["refunds"].get_array().get(all)) {
          return MakeError("upstream_unavailable", "Shopify order " + order_id + " could not be read again alone");
        }
        if (all.size() >= shopify_queries::kAuditRefundsOfOrderShown) {
          // Order.refunds has no second page: rather no audit than one that silently leaves refunds out.
          return MakeError("upstream_rejected", "Shopify order " + order_id + " has " + std::to_string(all.size()) +
                                                    " or more refunds, more than the audit can read in one list");
        }
        if (!AppendSummaries(order_id, alone, date_field, out)) {
          return MakeError("invalid_amount", "Shopify order " + order_id + " has a refund amount that is unreadable");
        }
        continue;
      }
      if (!AppendSummaries(order_id, order, date_field, out)) {
        return MakeError("invalid_amount", "Shopify order " + order_id + " has a refund amount that is unreadable");
      }
    }
    orders_read += static_cast<int>(orders.size());
    if (on_page) on_page(orders_read);
    bool has_next = false;
    if (root["orders"]["pageInfo"]["hasNextPage"].get_bool().get(has_next) || !has_next) break;
    after = JsonText(root["orders"]["pageInfo"], "endCursor");
    if (after.empty()) break;
  }
  return out;
}

}  // namespace refundsync
