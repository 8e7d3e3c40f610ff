#include "clients/shopify_client.h"

#include <simdjson.h>

#include "core/json_writer.h"

namespace refundsync {
namespace {

constexpr const char* kOrderQuery = R"(query OrderForRefund($id: ID!) {
  order(id: $id) {
    id
    currencyCode
    totalRefundedSet { shopMoney { amount currencyCode } }
    lineItems(first: 250) { nodes { id sku quantity refundableQuantity } }
    transactions { id kind status gateway amountSet { shopMoney { amount currencyCode } } }
    refunds { id note transactions(first: 20) { nodes { kind status } } }
  }
})";

constexpr const char* kRefundMutation = R"(mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount currencyCode } } transactions(first: 20) { nodes { kind status } } }
    userErrors { field message }
  }
})";

constexpr const char* kOrdersQuery = R"(query RefundsSince($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      legacyResourceId
      refunds {
        legacyResourceId
        createdAt
        totalRefundedSet { shopMoney { amount currencyCode } }
        refundLineItems(first: 100) {
          nodes { quantity subtotalSet { shopMoney { amount currencyCode } } totalTaxSet { shopMoney { amount currencyCode } } lineItem { id sku } }
        }
        refundShippingLines(first: 10) { nodes { subtotalAmountSet { shopMoney { amount currencyCode } } } }
      }
    }
  }
})";

std::string Text(simdjson::dom::element element, const char* key) {
  std::string_view value;
  if (element[key].get_string().get(value)) return "";
  return std::string(value);
}

std::optional<Money> ShopMoney(simdjson::dom::element set) {
  simdjson::dom::element money;
  if (set["shopMoney"].get(money)) return std::nullopt;
  auto parsed = ParseMoney(Text(money, "amount"), Text(money, "currencyCode"));
  if (!parsed) return std::nullopt;
  return *parsed;
}

// The statuses of a refund's REFUND transactions.
std::vector<std::string> RefundStatuses(simdjson::dom::element refund) {
  std::vector<std::string> statuses;
  simdjson::dom::array nodes;
  if (refund["transactions"]["nodes"].get_array().get(nodes)) return statuses;
  for (auto node : nodes) {
    if (Text(node, "kind") == "REFUND") statuses.push_back(Text(node, "status"));
  }
  return statuses;
}

}  // namespace

RefundMoney RefundMoneyOf(const std::vector<std::string>& refund_statuses, bool money_due) {
  bool pending = false;
  for (const auto& status : refund_statuses) {
    if (status == "SUCCESS") return RefundMoney::kSent;
    if (status != "FAILURE" && status != "ERROR") pending = true;  // PENDING, AWAITING_RESPONSE, UNKNOWN
  }
  if (pending) return RefundMoney::kPending;
  if (refund_statuses.empty()) return money_due ? RefundMoney::kUnknown : RefundMoney::kSent;
  return RefundMoney::kFailed;
}

Result<std::string> ShopifyGraphQlClient::Execute(const std::string& body) {
  OutboundRequest request;
  request.method = "POST";
  request.url = config_.admin_base_url + "/admin/api/" + config_.api_version + "/graphql.json";
  request.headers = {{"X-Shopify-Access-Token", config_.access_token.reveal()}, {"Content-Type", "application/json"}};
  request.body = body;
  request.timeout = std::chrono::seconds(30);
  auto response = http_.Send(request);
  if (!response) return response.error();
  if (response->status == 429 || response->status >= 500) {
    return MakeError("upstream_unavailable", "Shopify answered " + std::to_string(response->status));
  }
  if (response->status != 200) {
    return MakeError("upstream_rejected", "Shopify answered " + std::to_string(response->status) + " " +
                                              response->body.substr(0, 160));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(response->body).get(root)) return MakeError("upstream_unavailable", "Shopify answer is not JSON");
  simdjson::dom::array errors;
  if (!root["errors"].get_array().get(errors) && errors.size() > 0) {
    std::string code, message = Text(errors.at(0), "message");
    simdjson::dom::element extensions;
    if (!errors.at(0)["extensions"].get(extensions)) code = Text(extensions, "code");
    // Throttling (cost-based rate limit) answers 200 with THROTTLED: retry later.
    if (code == "THROTTLED" || message == "Throttled") return MakeError("upstream_unavailable", "Shopify throttled the request");
    return MakeError("upstream_rejected", "Shopify: " + message);
  }
  simdjson::dom::element data;
  if (root["data"].get(data)) return MakeError("upstream_unavailable", "Shopify answer has no data");
  return std::string(simdjson::to_string(data));
}

Result<std::optional<ShopifyOrder>> ShopifyGraphQlClient::GetOrder(const std::string& numeric_order_id) {
  JsonWriter body;
  body.BeginObject().Key("query").String(kOrderQuery);
  body.Key("variables").BeginObject().Key("id").String("gid://shopify/Order/" + numeric_order_id).EndObject();
  body.EndObject();
  auto data = Execute(body.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::element order;
  if (root["order"].get(order) || order.is_null()) return std::optional<ShopifyOrder>();
  ShopifyOrder out;
  out.id = Text(order, "id");
  out.currency = Text(order, "currencyCode");
  simdjson::dom::element refunded;
  out.refunded = Money{0, out.currency};
  if (!order["totalRefundedSet"].get(refunded)) out.refunded = ShopMoney(refunded).value_or(out.refunded);
  simdjson::dom::array nodes;
  if (!order["lineItems"]["nodes"].get_array().get(nodes)) {
    for (auto node : nodes) {
      ShopifyLineItem line;
      line.id = Text(node, "id");
      line.sku = Text(node, "sku");
      std::int64_t number = 0;
      if (!node["quantity"].get_int64().get(number)) line.quantity = number;
      if (!node["refundableQuantity"].get_int64().get(number)) line.refundable_quantity = number;
      out.line_items.push_back(std::move(line));
    }
  }
  simdjson::dom::array transactions;
  if (!order["transactions"].get_array().get(transactions)) {
    for (auto node : transactions) {
      ShopifyTransaction transaction;
      transaction.id = Text(node, "id");
      transaction.kind = Text(node, "kind");
      transaction.status = Text(node, "status");
      transaction.gateway = Text(node, "gateway");
      simdjson::dom::element amount;
      if (!node["amountSet"].get(amount)) transaction.amount = ShopMoney(amount).value_or(Money{0, out.currency});
      out.transactions.push_back(std::move(transaction));
    }
  }
  simdjson::dom::array refunds;
  if (!order["refunds"].get_array().get(refunds)) {
    for (auto node : refunds) {
      out.refunds.push_back(ShopifyOrderRefund{Text(node, "id"), Text(node, "note"), RefundStatuses(node)});
    }
  }
  return std::optional<ShopifyOrder>(std::move(out));
}

Result<ShopifyOrderRefund> ShopifyGraphQlClient::CreateRefund(const ShopifyRefundRequest& request,
                                                              const std::string& key) {
  JsonWriter body;
  body.BeginObject().Key("query").String(kRefundMutation).Key("variables").BeginObject();
  body.Key("key").String(key);
  body.Key("input").BeginObject();
  body.Key("orderId").String(request.order_id).Key("note").String(request.note).Key("notify").Bool(false);
  body.Key("refundLineItems").BeginArray();
  for (const auto& [line_item, quantity] : request.lines) {
    body.BeginObject().Key("lineItemId").String(line_item).Key("quantity").Int(quantity);
    body.Key("restockType").String("NO_RESTOCK").EndObject();
  }
  body.EndArray();
  body.Key("transactions").BeginArray().BeginObject();
  body.Key("orderId").String(request.order_id).Key("parentId").String(request.parent_transaction);
  body.Key("amount").String(FormatDecimal(request.amount)).Key("gateway").String(request.gateway);
  body.Key("kind").String("REFUND").EndObject().EndArray();
  body.EndObject().EndObject().EndObject();
  auto data = Execute(body.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::element result;
  if (root["refundCreate"].get(result)) return MakeError("upstream_unavailable", "refundCreate answered no result");
  simdjson::dom::array user_errors;
  if (!result["userErrors"].get_array().get(user_errors) && user_errors.size() > 0) {
    std::string messages;
    for (auto error : user_errors) messages += (messages.empty() ? "" : "; ") + Text(error, "message");
    return MakeError("upstream_rejected", "Shopify refused the refund: " + messages);
  }
  simdjson::dom::element refund;
  if (result["refund"].get(refund) || refund.is_null()) return MakeError("upstream_unavailable", "refundCreate returned no refund");
  return ShopifyOrderRefund{Text(refund, "id"), request.note, RefundStatuses(refund)};
}

}  // namespace refundsync

namespace refundsync {

Result<std::vector<ShopifyRefundRecord>> ShopifyGraphQlClient::RefundsOfOrdersUpdatedSince(const std::string& since) {
  return RefundsOfOrders("updated_at:>='" + since + "'");
}

Result<std::vector<ShopifyRefundRecord>> ShopifyGraphQlClient::RefundsOfOrder(const std::string& numeric_order_id) {
  return RefundsOfOrders("id:" + numeric_order_id);
}

Result<std::vector<ShopifyRefundRecord>> ShopifyGraphQlClient::RefundsOfOrders(const std::string& search) {
  std::vector<ShopifyRefundRecord> out;
  std::string after;
  for (int page = 0; page < 1000; ++page) {
    JsonWriter body;
    body.BeginObject().Key("query").String(kOrdersQuery).Key("variables").BeginObject();
    body.Key("first").Int(50).Key("query").String(search);
    if (after.empty()) {
      body.Key("after").Null();
    } else {
      body.Key("after").String(after);
    }
    body.EndObject().EndObject();
    auto data = Execute(body.str());
    if (!data) return data.error();
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(*data);
    simdjson::dom::array orders;
    if (root["orders"]["nodes"].get_array().get(orders)) return MakeError("upstream_unavailable", "orders answer without nodes");
    for (auto order : orders) {
      const std::string order_id = Text(order, "legacyResourceId");
      simdjson::dom::array refunds;
      if (order["refunds"].get_array().get(refunds)) continue;
      for (auto refund : refunds) {
        ShopifyRefundRecord record;
        record.order_id = order_id;
        record.refund_id = Text(refund, "legacyResourceId");
        record.created_at = Text(refund, "createdAt");
        simdjson::dom::element set;
        if (refund["totalRefundedSet"].get(set)) continue;
        auto total = ShopMoney(set);
        if (!total) continue;
        record.amount = *total;
        simdjson::dom::array lines;
        if (!refund["refundLineItems"]["nodes"].get_array().get(lines)) {
          for (auto line : lines) {
            RefundLine out_line;
            std::int64_t quantity = 0;
            if (!line["quantity"].get_int64().get(quantity)) out_line.quantity = quantity;
            simdjson::dom::element item;
            if (!line["lineItem"].get(item)) {
              out_line.sku = Text(item, "sku");
              out_line.line_item_id = Text(item, "id");
            }
            if (!line["subtotalSet"].get(set)) out_line.subtotal = ShopMoney(set);
            if (!line["totalTaxSet"].get(set)) out_line.tax = ShopMoney(set);
            record.lines.push_back(std::move(out_line));
          }
        }
        simdjson::dom::array shipping;
        if (!refund["refundShippingLines"]["nodes"].get_array().get(shipping)) {
          std::int64_t units = 0;
          for (auto line : shipping) {
            if (!line["subtotalAmountSet"].get(set)) {
              if (auto money = ShopMoney(set)) units += money->minor_units;
            }
          }
          if (units != 0) record.shipping = Money{units, record.amount.currency};
        }
        out.push_back(std::move(record));
      }
    }
    bool has_next = false;
    if (root["orders"]["pageInfo"]["hasNextPage"].get_bool().get(has_next) || !has_next) break;
    after = Text(root["orders"]["pageInfo"], "endCursor");
  }
  return out;
}

}  // namespace refundsync

namespace refundsync {

Result<std::vector<std::string>> ShopifyGraphQlClient::WebhookSubscriptionUris(const std::string& topic) {
  JsonWriter body;
  body.BeginObject().Key("query").String(
      "query Subscriptions($topics: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: 100, topics: $topics) "
      "{ nodes { id topic uri } } }");
  body.Key("variables").BeginObject().Key("topics").BeginArray().String(topic).EndArray().EndObject().EndObject();
  auto data = Execute(body.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  std::vector<std::string> uris;
  simdjson::dom::array nodes;
  if (!root["webhookSubscriptions"]["nodes"].get_array().get(nodes)) {
    for (auto node : nodes) {
      if (Text(node, "topic") == topic) uris.push_back(Text(node, "uri"));
    }
  }
  return uris;
}

Result<void> ShopifyGraphQlClient::CreateWebhookSubscription(const std::string& topic, const std::string& uri) {
  JsonWriter body;
  body.BeginObject().Key("query").String(
      "mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) { "
      "webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { "
      "webhookSubscription { id } userErrors { field message } } }");
  body.Key("variables").BeginObject().Key("topic").String(topic);
  body.Key("webhookSubscription").BeginObject().Key("uri").String(uri).Key("format").String("JSON").EndObject();
  body.EndObject().EndObject();
  auto data = Execute(body.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::array errors;
  if (!root["webhookSubscriptionCreate"]["userErrors"].get_array().get(errors) && errors.size() > 0) {
    return MakeError("upstream_rejected", "Shopify: " + Text(errors.at(0), "message"));
  }
  return {};
}

}  // namespace refundsync
