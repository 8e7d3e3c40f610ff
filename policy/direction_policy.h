// The refund direction rules of the contract (section 1) as pure functions.
//
// Every event is judged by where it came from and the one direction its account syncs in. Anything that does
// not match is skipped with a reason a person can act on; this is also what stops our own writes from looping
// back (a refund we post to Shopify returns as a Shopify refunds/create webhook; a cash refund we create in
// NetSuite returns as a NetSuite event).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/channel.h"

namespace refundsync {

// Which side a refund event was observed on.
enum class SourceSystem { kStorefront, kNetSuite };

// inbound: storefront -> NetSuite handler. outbound: NetSuite -> storefront handler.
enum class Route { kInbound, kOutbound, kSkipped };

struct RouteDecision {
  Route route;
  std::string reason;  // empty unless skipped

  bool operator==(const RouteDecision&) const = default;
};

// Default direction when the account does not set one: marketplaces to NetSuite, carts from NetSuite.
Direction DefaultDirection(ChannelKind kind);

// The account's effective direction: the configured one, else the default of its channel's kind.
Direction EffectiveDirection(Channel channel, std::optional<Direction> configured);

// Where an event goes. `account_id` only feeds the reason text.
RouteDecision RouteRefundEvent(SourceSystem source, Direction direction, std::string_view account_id);

std::string_view RouteName(Route route);
std::string_view SourceSystemName(SourceSystem source);

}  // namespace refundsync
