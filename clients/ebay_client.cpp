#include "clients/ebay_client.h"

#include <simdjson.h>

#include "clients/ebay_signature.h"
#include "core/crypto.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {
namespace {

// eBay amounts are {"value": "12.34", "currency": "USD"}: decimal strings, read as such.
std::optional<Money> Amount(simdjson::dom::element element, const char* key) {
  simdjson::dom::element amount;
  if (element[key].get(amount)) return std::nullopt;
  auto money = ParseMoney(JsonText(amount, "value"), JsonText(amount, "currency"));
  if (!money) return std::nullopt;
  return *money;
}

// A refund's amount: not negative, in a known currency, as precise as it allows; else why not.
EbayRefund ReadRefund(simdjson::dom::element refund, const std::string& currency) {
  EbayRefund out;
  out.refund_id = JsonText(refund, "refundId");
  out.status = JsonText(refund, "refundStatus");
  out.date = JsonText(refund, "refundDate");
  out.amount = Money{0, currency};
  simdjson::dom::element amount;
  if (refund["amount"].get(amount)) {
    out.amount_missing = true;
    return out;
  }
  auto money = ParseRefundAmount(JsonText(amount, "value"), JsonText(amount, "currency"));
  if (!money) {
    out.amount_error = "eBay refund " + out.refund_id + ": " + money.error().message;
  } else {
    out.amount = *money;  // zero is no money: skipped at import, like a restock-only refund
  }
  return out;
}

EbayOrder ReadOrder(simdjson::dom::element root) {
  EbayOrder order;
  order.order_id = JsonText(root, "orderId");
  order.last_modified = JsonText(root, "lastModifiedDate");
  simdjson::dom::element pricing;
  if (!root["pricingSummary"].get(pricing)) {
    if (auto total = Amount(pricing, "total")) {
      order.currency = total->currency;
      order.total = *total;
    }
  }
  simdjson::dom::array items;
  if (!root["lineItems"].get_array().get(items)) {
    for (auto item : items) {
      EbayLineItem line;
      line.line_item_id = JsonText(item, "lineItemId");
      line.sku = JsonText(item, "sku");
      std::int64_t quantity = 0;
      if (!item["quantity"].get_int64().get(quantity)) line.quantity = quantity;
      line.line_cost = Amount(item, "lineItemCost").value_or(Money{0, order.currency});
      line.unit_price =
          Money{line.quantity > 0 ? line.line_cost.minor_units / line.quantity : 0, line.line_cost.currency};
      simdjson::dom::array refunds;
      if (!item["refunds"].get_array().get(refunds)) {
        for (auto refund : refunds) {
          line.refund_ids.push_back(JsonText(refund, "refundId"));
          line.refunds.push_back(ReadRefund(refund, order.currency));
        }
      }
      order.line_items.push_back(std::move(line));
    }
  }
  simdjson::dom::element payment;
  simdjson::dom::array refunds;
  if (!root["paymentSummary"].get(payment) && !payment["refunds"].get_array().get(refunds)) {
    for (auto refund : refunds) {
      order.refunds.push_back(ReadRefund(refund, order.currency));
    }
  }
  return order;
}

// Whether eBay's error is about digital signatures (missing or invalid): its message names them.
bool IsSignatureRefusal(const std::string& text) { return text.find("ignature") != std::string::npos; }

Error FromStatus(long status, const std::string& what) {
  const char* code = status == 429 || status >= 500 ? "upstream_unavailable" : "upstream_rejected";
  Error error = MakeError(code, "eBay " + what + " answered " + std::to_string(status));
  error.upstream_status = static_cast<int>(status);
  return error;
}

}  // namespace

Result<EbayOrder> ParseEbayOrder(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root))
    return MakeError("upstream_unavailable", "eBay order is not JSON");
  return ReadOrder(root);
}

Result<OutboundResponse> EbayRestClient::Get(const std::string& path_and_query) {
  auto token = tokens_.Token();
  if (!token) return token.error();
  OutboundRequest request;
  request.url = config_.api_base_url + path_and_query;
  request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
  auto response = http_.Send(request);
  if (response && response->status == 401) tokens_.Invalidate();
  return response;
}

Result<std::optional<EbayOrder>> EbayRestClient::GetOrder(const std::string& order_id) {
  auto response = Get("/sell/fulfillment/v1/order/" + UrlEncode(order_id));
  if (!response) return response.error();
  if (response->status == 404) return std::optional<EbayOrder>();
  if (response->status != 200) return FromStatus(response->status, "getOrder");
  auto order = ParseEbayOrder(response->body);
  if (!order) return order.error();
  return std::optional<EbayOrder>(std::move(*order));
}

Result<std::vector<EbayOrder>> EbayRestClient::OrdersModifiedSince(const std::string& since,
                                                                   const OrdersReadSoFar& on_page) {
  std::vector<EbayOrder> orders;
  const std::string filter = UrlEncode("lastmodifieddate:[" + since + "..]");
  std::int64_t offset = 0;
  constexpr int kLimit = 200;  // eBay's maximum page size
  while (true) {
    auto response = Get("/sell/fulfillment/v1/order?filter=" + filter + "&limit=" + std::to_string(kLimit) +
                        "&offset=" + std::to_string(offset));
    if (!response) return response.error();
    if (response->status != 200) return FromStatus(response->status, "getOrders");
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array page;
    if (parser.parse(response->body).get(root) || root["orders"].get_array().get(page)) {
      return MakeError("upstream_unavailable", "eBay getOrders answer has no orders");
    }
    for (auto order : page) orders.push_back(ReadOrder(order));
    if (on_page) on_page(static_cast<int>(orders.size()));
    std::int64_t total = 0;
    if (root["total"].get_int64().get(total)) total = 0;
    offset += static_cast<std::int64_t>(page.size());
    if (page.size() == 0 || offset >= total) break;
  }
  return orders;
}

}  // namespace refundsync

namespace refundsync {

Result<EbayIssuedRefund> EbayRestClient::IssueRefund(const EbayRefundRequest& refund) {
  auto token = refund_tokens_.Token();
  if (!token) return token.error();
  JsonWriter body;
  body.BeginObject().Key("reasonForRefund").String("OTHER_ADJUSTMENT").Key("comment").String(refund.comment);
  body.Key("orderLevelRefundAmount").BeginObject().Key("value").String(FormatDecimal(refund.amount));
  body.Key("currency").String(refund.amount.currency).EndObject();
  body.EndObject();
  OutboundRequest request;
  request.method = "POST";
  request.url = config_.api_base_url + "/sell/fulfillment/v1/order/" + UrlEncode(refund.order_id) + "/issue_refund";
  request.headers = {
      {"Authorization", "Bearer " + *token}, {"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.body = body.str();
  request.timeout = std::chrono::seconds(30);
  request.resend_safe = false;  // no idempotency key: never let libcurl send it twice
  if (config_.signing_key && config_.signing_key_jwe) {
    auto signature = EbaySignatureHeaders({config_.signing_key->reveal(), config_.signing_key_jwe->reveal()}, "POST",
                                          request.url, request.body, clock_.NowMs() / 1000);
    if (!signature) return signature.error();
    for (auto& [name, value] : *signature) request.headers.emplace_back(name, value);
  }
  auto response = http_.Send(request);
  if (!response) {
    // Sent, perhaps, and no answer came: eBay may have made the refund.
    Error error = response.error();
    error.outcome_unknown = true;
    return error;
  }
  if (response->status == 401) refund_tokens_.Invalidate();
  if (response->status != 200 && response->status != 201) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string message = "eBay issue_refund answered " + std::to_string(response->status);
    simdjson::dom::array errors;
    std::string detail;
    std::int64_t error_id = 0;
    bool try_later = false;  // a refusal eBay documents as temporary
    if (!parser.parse(response->body).get(root) && !root["errors"].get_array().get(errors) && errors.size() > 0) {
      message += ": " + JsonText(errors.at(0), "message");
      detail = JsonText(errors.at(0), "message") + " " + JsonText(errors.at(0), "longMessage");
      if (!errors.at(0)["errorId"].get_int64().get(error_id)) message += " (" + std::to_string(error_id) + ")";
      // "Refund can't be issued while previous refund is processing" decides what happens next wherever eBay
      // lists it among the errors.
      for (auto entry : errors) {
        std::int64_t id = 0;
        if (!entry["errorId"].get_int64().get(id) && id == kEbayRefundInProgress) error_id = id;
        if (id == kEbayBuyerPaymentNotProcessed || id == kEbayPaymentMethodLimitExceeded) try_later = true;
      }
    }
    if (IsSignatureRefusal(detail) && detail.find("create time") != std::string::npos) {
      message += "; the signature's time was refused: check this machine's clock";
    } else if (IsSignatureRefusal(detail)) {
      message +=
          config_.signing_key
              ? "; eBay refused this account's digital signature: check accounts[].ebay.signing_key_file and "
                "signing_key_jwe_file (the key and the JWE eBay issued with it)"
              : "; eBay requires digital signatures for this seller (EU or UK): set accounts[].ebay.signing_key_file "
                "and signing_key_jwe_file (docs/vendor-setup.md)";
    }
    // 34922: an earlier refund of the order is still processing; eBay made nothing, the next attempt may.
    const bool later =
        response->status == 429 || response->status >= 500 || error_id == kEbayRefundInProgress || try_later;
    Error error = MakeError(later ? "upstream_unavailable" : "upstream_rejected", message);
    error.upstream_status = static_cast<int>(response->status);
    error.vendor_error = error_id;
    error.outcome_unknown = response->status >= 500;  // a 5xx may hide a refund eBay made
    return error;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(response->body).get(root)) {
    // eBay said yes, in words we cannot read: the refund may well exist.
    Error error = MakeError("upstream_unavailable", "issue_refund answer is not JSON");
    error.upstream_status = static_cast<int>(response->status);
    error.outcome_unknown = true;
    return error;
  }
  EbayIssuedRefund issued{JsonText(root, "refundId"), JsonText(root, "refundStatus")};
  if (issued.refund_id.empty() && issued.status != "FAILED") {
    // refundId is "returned unless the refund operation fails" (Fulfillment OAS, Refund): an answer without one
    // that does not say FAILED says nothing we can follow, and the refund may exist.
    Error error = MakeError("upstream_unavailable", "issue_refund answered without a refundId");
    error.upstream_status = static_cast<int>(response->status);
    error.outcome_unknown = true;
    return error;
  }
  return issued;
}

}  // namespace refundsync
