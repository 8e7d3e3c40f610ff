#include "policy/direction_policy.h"

namespace refundsync {

Direction DefaultDirection(ChannelKind kind) {
  return kind == ChannelKind::kMarketplace ? Direction::kToNetSuite : Direction::kFromNetSuite;
}

Direction EffectiveDirection(Channel channel, std::optional<Direction> configured) {
  return configured.value_or(DefaultDirection(KindOf(channel)));
}

RouteDecision RouteRefundEvent(SourceSystem source, Direction direction, std::string_view account_id) {
  const std::string account(account_id);
  switch (direction) {
    case Direction::kOff:
      return {std::nullopt, "refund sync is off for account " + account};
    case Direction::kToNetSuite:
      if (source == SourceSystem::kStorefront) return {Direction::kToNetSuite, ""};
      return {std::nullopt, "account " + account +
                                " syncs refunds to NetSuite; a NetSuite refund is not posted to the storefront "
                                "(this is also how our own NetSuite records come back)"};
    case Direction::kFromNetSuite:
      if (source == SourceSystem::kNetSuite) return {Direction::kFromNetSuite, ""};
      return {std::nullopt, "account " + account +
                                " syncs refunds from NetSuite; a storefront refund is not sent to NetSuite "
                                "(this is also how our own storefront refunds come back)"};
  }
  return {std::nullopt, "unknown direction"};
}

std::string_view RouteName(const RouteDecision& decision) {
  if (decision.skipped()) return "skipped";
  return *decision.direction == Direction::kToNetSuite ? "inbound" : "outbound";
}

std::string_view SourceSystemName(SourceSystem source) {
  return source == SourceSystem::kNetSuite ? "netsuite" : "storefront";
}

}  // namespace refundsync
