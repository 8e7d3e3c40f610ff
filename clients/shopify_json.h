// Reading the pieces of Shopify's GraphQL answers that several queries share (money bags, line item pages, refund
// transaction statuses).
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "clients/shopify_client.h"

namespace refundsync::shopify_json {

// A MoneyBag's shop money ({shopMoney {amount currencyCode}}).
std::optional<Money> ShopMoney(simdjson::dom::element set);

// The statuses of a refund's REFUND transactions (refund.transactions.nodes).
std::vector<std::string> RefundStatuses(simdjson::dom::element refund);

// Appends a lineItems connection's nodes; the cursor of the next page, or "" when there is none.
std::string AppendLineItems(simdjson::simdjson_result<simdjson::dom::element> connection,
                            std::vector<ShopifyLineItem>& out);

}  // namespace refundsync::shopify_json
