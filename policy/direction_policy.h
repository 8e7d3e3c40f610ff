// The refund direction rules of the contract (section 1) as pure functions.
//
// Every event is judged by where it came from and the one direction its account syncs in. Anything that does
// not match is skipped with a reason a person can act on. Our own writes coming back (a refund we post to Shopify
// returning as refunds/create; a cash refund we create in NetSuite returning as a NetSuite event) are recognised
// before this, by our marker or note, and go into their origin's history (handlers/refund_processor_echo.cpp); the
// policy still stops any that is not recognised from looping back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/channel.h"

namespace refundsync {

// Which side a refund event was observed on.
enum class SourceSystem { kStorefront, kNetSuite };

// Where a refund event goes: the handler of its direction, or nowhere (skipped, with the reason).
struct RouteDecision {
  std::optional<Direction> direction;  // kToNetSuite or kFromNetSuite; nullopt: skipped
  std::string reason;                  // empty unless skipped

  bool skipped() const { return !direction.has_value(); }

  bool operator==(const RouteDecision&) const = default;
};

// Default direction when the account does not set one: marketplaces to NetSuite, carts from NetSuite.
Direction DefaultDirection(ChannelKind kind);

// The account's effective direction: the configured one, else the default of its channel's kind.
Direction EffectiveDirection(Channel channel, std::optional<Direction> configured);

// Where an event goes. `account_id` only feeds the reason text.
RouteDecision RouteRefundEvent(SourceSystem source, Direction direction, std::string_view account_id);

// The dry run's name of a decision (contract section 2): inbound (to NetSuite), outbound (from NetSuite), skipped.
std::string_view RouteName(const RouteDecision& decision);
std::string_view SourceSystemName(SourceSystem source);

}  // namespace refundsync
