#include "clients/shopify_client.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

#include "clients/shopify_json.h"
#include "clients/shopify_queries.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {
namespace {

// How often a throttled request waits for the bucket and tries again, and the longest single wait: the bucket
// refills at 50 to 2000 points a second by plan, so a query within our 800-point budget never needs longer. A
// longer wait is left to the worker's retry with backoff, which does not hold a thread.
constexpr int kThrottleRetries = 4;
constexpr double kLongestThrottleWaitSeconds = 20;

// How long Shopify's throttleStatus says the bucket needs before the requested points are available; nullopt
// when waiting cannot help (the bucket does not refill, or is smaller than the request) or the answer does not say.
std::optional<double> ThrottleWaitSeconds(simdjson::dom::element root) {
  simdjson::dom::element cost;
  if (root["extensions"]["cost"].get(cost)) return std::nullopt;
  double requested = 0, available = 0, maximum = 0, restore = 0;
  if (cost["requestedQueryCost"].get_double().get(requested) ||
      cost["throttleStatus"]["currentlyAvailable"].get_double().get(available) ||
      cost["throttleStatus"]["maximumAvailable"].get_double().get(maximum) ||
      cost["throttleStatus"]["restoreRate"].get_double().get(restore) || restore <= 0 || requested > maximum) {
    return std::nullopt;
  }
  const double wait = std::clamp((requested - available) / restore + 0.05, 0.05, kLongestThrottleWaitSeconds);
  if (wait >= kLongestThrottleWaitSeconds) return std::nullopt;
  return wait;
}

}  // namespace

// "query RefundRead($id: ID!) {...}" -> "RefundRead": every document of ours names its operation.
std::string GraphQlOperationName(const std::string& document) {
  std::size_t at = document.find_first_not_of(" \n\t");
  for (const char* kind : {"query ", "mutation "}) {
    if (at != std::string::npos && document.compare(at, std::strlen(kind), kind) == 0) {
      const std::size_t start = at + std::strlen(kind);
      const std::size_t end = document.find_first_of("( {", start);
      return document.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
  }
  return "anonymous";
}

Result<std::string> ShopifyGraphQlClient::Execute(const std::string& query, const std::string& variables_json) {
  JsonWriter body;
  body.BeginObject().Key("query").String(query).Key("variables").Raw(variables_json).EndObject();
  OutboundRequest request;
  request.method = "POST";
  request.url = config_.admin_base_url + "/admin/api/" + config_.api_version + "/graphql.json";
  request.call = "graphql " + GraphQlOperationName(query);
  request.headers = {{"X-Shopify-Access-Token", config_.access_token.reveal()}, {"Content-Type", "application/json"}};
  request.body = body.str();
  request.timeout = std::chrono::seconds(30);
  for (int attempt = 0;; ++attempt) {
    auto response = http_.Send(request);
    if (!response) return response.error();
    if (response->status == 429 || response->status >= 500) {
      return MakeError("upstream_unavailable", "Shopify answered " + std::to_string(response->status));
    }
    if (response->status != 200) {
      return MakeError("upstream_rejected",
                       "Shopify answered " + std::to_string(response->status) + " " + response->body.substr(0, 160));
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(response->body).get(root)) return MakeError("upstream_unavailable", "Shopify answer is not JSON");
    simdjson::dom::array errors;
    if (!root["errors"].get_array().get(errors) && errors.size() > 0) {
      const std::string message = JsonText(errors.at(0), "message");
      std::string code;
      simdjson::dom::element extensions;
      if (!errors.at(0)["extensions"].get(extensions)) code = JsonText(extensions, "code");
      if (code == "THROTTLED" || message == "Throttled") {
        // The cost-based rate limit: the bucket refills at restoreRate points a second.
        const std::optional<double> wait = ThrottleWaitSeconds(root);
        if (wait && attempt < kThrottleRetries) {
          std::this_thread::sleep_for(std::chrono::duration<double>(*wait));
          continue;
        }
        return MakeError("upstream_unavailable", "Shopify throttled the request (query cost rate limit)");
      }
      if (code == "IDEMPOTENCY_CONCURRENT_REQUEST") {
        // The same idempotency key is still being worked on (Shopify, "Idempotent requests"): the first request
        // may yet make the refund; asking again later returns its result.
        return MakeError("upstream_unavailable",
                         "Shopify is still processing an earlier request with this "
                         "idempotency key (" +
                             code + ")");
      }
      return MakeError("upstream_rejected",
                       "Shopify: " + message.substr(0, 300) + (code.empty() ? "" : " (" + code + ")"));
    }
    simdjson::dom::element data;
    if (root["data"].get(data)) return MakeError("upstream_unavailable", "Shopify answer has no data");
    return std::string(simdjson::to_string(data));
  }
}

Result<std::optional<ShopifyOrder>> ShopifyGraphQlClient::GetOrder(const std::string& numeric_order_id) {
  const std::string gid = "gid://shopify/Order/" + numeric_order_id;
  JsonWriter variables;
  variables.BeginObject().Key("id").String(gid).EndObject();
  auto data = Execute(shopify_queries::kOrderForRefund, variables.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::element order;
  if (root["order"].get(order) || order.is_null()) return std::optional<ShopifyOrder>();
  ShopifyOrder out;
  out.id = JsonText(order, "id");
  out.currency = JsonText(order, "currencyCode");
  out.refunded = Money{0, out.currency};
  simdjson::dom::element refunded;
  if (!order["totalRefundedSet"].get(refunded)) out.refunded = shopify_json::ShopMoney(refunded).value_or(out.refunded);
  std::string after = shopify_json::AppendLineItems(order["lineItems"], out.line_items);
  // Orders with more lines than a page holds: the rest, page by page.
  for (int page = 0; !after.empty() && page < 100; ++page) {
    JsonWriter next;
    next.BeginObject().Key("id").String(gid).Key("after").String(after).EndObject();
    auto more = Execute(shopify_queries::kOrderLineItemsPage, next.str());
    if (!more) return more.error();
    simdjson::dom::parser page_parser;
    simdjson::dom::element page_root = page_parser.parse(*more);
    after = shopify_json::AppendLineItems(page_root["order"]["lineItems"], out.line_items);
  }
  simdjson::dom::array transactions;
  if (!order["transactions"].get_array().get(transactions)) {
    for (auto node : transactions) {
      ShopifyTransaction transaction;
      transaction.id = JsonText(node, "id");
      transaction.kind = JsonText(node, "kind");
      transaction.status = JsonText(node, "status");
      transaction.gateway = JsonText(node, "gateway");
      simdjson::dom::element amount;
      if (!node["amountSet"].get(amount)) {
        transaction.amount = shopify_json::ShopMoney(amount).value_or(Money{0, out.currency});
      }
      out.transactions.push_back(std::move(transaction));
    }
  }
  simdjson::dom::array refunds;
  if (!order["refunds"].get_array().get(refunds)) {
    for (auto node : refunds) {
      out.refunds.push_back(
          ShopifyOrderRefund{JsonText(node, "id"), JsonText(node, "note"), shopify_json::RefundStatuses(node)});
    }
  }
  return std::optional<ShopifyOrder>(std::move(out));
}

Result<ShopifyOrderRefund> ShopifyGraphQlClient::CreateRefund(const ShopifyRefundRequest& request,
                                                              const std::string& key) {
  JsonWriter variables;
  variables.BeginObject().Key("key").String(key);
  variables.Key("input").BeginObject();
  variables.Key("orderId").String(request.order_id).Key("note").String(request.note).Key("notify").Bool(false);
  variables.Key("refundLineItems").BeginArray();
  for (const auto& [line_item, quantity] : request.lines) {
    variables.BeginObject().Key("lineItemId").String(line_item).Key("quantity").Int(quantity);
    variables.Key("restockType").String("NO_RESTOCK").EndObject();
  }
  variables.EndArray();
  variables.Key("transactions").BeginArray().BeginObject();
  variables.Key("orderId").String(request.order_id).Key("parentId").String(request.parent_transaction);
  variables.Key("amount").String(FormatDecimal(request.amount)).Key("gateway").String(request.gateway);
  variables.Key("kind").String("REFUND").EndObject().EndArray();
  variables.EndObject().EndObject();
  auto data = Execute(shopify_queries::kRefundCreate, variables.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::element result;
  if (root["refundCreate"].get(result)) return MakeError("upstream_unavailable", "refundCreate answered no result");
  simdjson::dom::array user_errors;
  if (!result["userErrors"].get_array().get(user_errors) && user_errors.size() > 0) {
    std::string messages;
    bool in_progress = false;
    for (auto error : user_errors) {
      const std::string message = JsonText(error, "message");
      messages += (messages.empty() ? "" : "; ") + message;
      // How refundCreate reports a request with the same idempotency key still running is not documented; the
      // inventory mutations say "This request is currently in progress, please try again". Tried again later:
      // the key (or our note on the order) then finds the refund if the first request made it.
      in_progress = in_progress || JsonText(error, "code") == "IDEMPOTENCY_CONCURRENT_REQUEST" ||
                    message.find("currently in progress") != std::string::npos;
    }
    return MakeError(in_progress ? "upstream_unavailable" : "upstream_rejected",
                     "Shopify refused the refund: " + messages);
  }
  simdjson::dom::element refund;
  if (result["refund"].get(refund) || refund.is_null())
    return MakeError("upstream_unavailable", "refundCreate returned no refund");
  return ShopifyOrderRefund{JsonText(refund, "id"), request.note, shopify_json::RefundStatuses(refund)};
}

}  // namespace refundsync
