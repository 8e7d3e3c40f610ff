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
      return {Route::kSkipped, "refund sync is off for account " + account};
    case Direction::kToNetSuite:
      if (source == SourceSystem::kStorefront) return {Route::kInbound, ""};
      return {Route::kSkipped, "account " + account +
                                   " syncs refunds to NetSuite; a NetSuite refund is not posted to the storefront "
                                   "(this is also how our own NetSuite records come back)"};
    case Direction::kFromNetSuite:
      if (source == SourceSystem::kNetSuite) return {Route::kOutbound, ""};
      return {Route::kSkipped, "account " + account +
                                   " syncs refunds from NetSuite; a storefront refund is not sent to NetSuite "
                                   "(this is also how our own storefront refunds come back)"};
  }
  return {Route::kSkipped, "unknown direction"};
}

std::string_view RouteName(Route route) {
  switch (route) {
    case Route::kInbound:
      return "inbound";
    case Route::kOutbound:
      return "outbound";
    case Route::kSkipped:
      return "skipped";
  }
  return "skipped";
}

std::string_view SourceSystemName(SourceSystem source) {
  return source == SourceSystem::kNetSuite ? "netsuite" : "storefront";
}

}  // namespace refundsync
