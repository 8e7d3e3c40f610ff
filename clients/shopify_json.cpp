#include "clients/shopify_json.h"

#include "core/json_read.h"

namespace refundsync::shopify_json {

std::optional<Money> ShopMoney(simdjson::dom::element set) {
  simdjson::dom::element money;
  if (set["shopMoney"].get(money)) return std::nullopt;
  // [B] The MoneyBags read (refund totals, transactions, lines, shipping) are taken to be never negative: Shopify's
  // Decimal scalar is signed and its pages state no sign for them, but a negative refund amount is not one we can
  // book. A negative one fails its refund with invalid_amount for an operator to look at.
  auto parsed = ParseRefundAmount(JsonText(money, "amount"), JsonText(money, "currencyCode"));
  if (!parsed) return std::nullopt;
  return *parsed;
}

std::vector<std::string> RefundStatuses(simdjson::dom::element refund) {
  std::vector<std::string> statuses;
  simdjson::dom::array nodes;
  if (refund["transactions"]["nodes"].get_array().get(nodes)) return statuses;
  for (auto node : nodes) {
    if (JsonText(node, "kind") == "REFUND") statuses.push_back(JsonText(node, "status"));
  }
  return statuses;
}

std::string AppendLineItems(simdjson::simdjson_result<simdjson::dom::element> connection,
                            std::vector<ShopifyLineItem>& out) {
  simdjson::dom::array nodes;
  if (connection["nodes"].get_array().get(nodes)) return "";
  for (auto node : nodes) {
    ShopifyLineItem line;
    line.id = JsonText(node, "id");
    line.sku = JsonText(node, "sku");
    std::int64_t number = 0;
    if (!node["quantity"].get_int64().get(number)) line.quantity = number;
    if (!node["refundableQuantity"].get_int64().get(number)) line.refundable_quantity = number;
    out.push_back(std::move(line));
  }
  bool has_next = false;
  if (connection["pageInfo"]["hasNextPage"].get_bool().get(has_next) || !has_next) return "";
  std::string_view cursor;
  if (connection["pageInfo"]["endCursor"].get_string().get(cursor)) return "";
  return std::string(cursor);
}

}  // namespace refundsync::shopify_json
