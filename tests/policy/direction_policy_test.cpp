#include "policy/direction_policy.h"

#include <catch2/catch.hpp>

using namespace refundsync;

TEST_CASE("Default direction follows the channel kind", "[policy]") {
  CHECK(DefaultDirection(ChannelKind::kMarketplace) == Direction::kToNetSuite);
  CHECK(DefaultDirection(ChannelKind::kCart) == Direction::kFromNetSuite);
  CHECK(EffectiveDirection(Channel::kEbay, std::nullopt) == Direction::kToNetSuite);
  CHECK(EffectiveDirection(Channel::kShopify, std::nullopt) == Direction::kFromNetSuite);
  CHECK(EffectiveDirection(Channel::kAmazon, std::nullopt) == Direction::kToNetSuite);
  CHECK(EffectiveDirection(Channel::kWooCommerce, std::nullopt) == Direction::kFromNetSuite);
}

TEST_CASE("A configured direction wins over the default", "[policy]") {
  CHECK(EffectiveDirection(Channel::kShopify, Direction::kToNetSuite) == Direction::kToNetSuite);
  CHECK(EffectiveDirection(Channel::kEbay, Direction::kFromNetSuite) == Direction::kFromNetSuite);
  CHECK(EffectiveDirection(Channel::kEbay, Direction::kOff) == Direction::kOff);
}

TEST_CASE("Only to_netsuite, from_netsuite and off are directions", "[policy]") {
  CHECK(ParseDirection("to_netsuite") == Direction::kToNetSuite);
  CHECK(ParseDirection("from_netsuite") == Direction::kFromNetSuite);
  CHECK(ParseDirection("off") == Direction::kOff);
  CHECK_FALSE(ParseDirection("both").has_value());
  CHECK_FALSE(ParseDirection("TO_NETSUITE").has_value());
  CHECK_FALSE(ParseDirection("").has_value());
}

TEST_CASE("Routing covers every source and direction", "[policy]") {
  struct Case {
    SourceSystem source;
    Direction direction;
    std::optional<Direction> expected;  // nullopt: skipped
  };
  const Case cases[] = {
      {SourceSystem::kStorefront, Direction::kToNetSuite, Direction::kToNetSuite},
      {SourceSystem::kNetSuite, Direction::kFromNetSuite, Direction::kFromNetSuite},
      {SourceSystem::kStorefront, Direction::kFromNetSuite, std::nullopt},
      {SourceSystem::kNetSuite, Direction::kToNetSuite, std::nullopt},
      {SourceSystem::kStorefront, Direction::kOff, std::nullopt},
      {SourceSystem::kNetSuite, Direction::kOff, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(SourceSystemName(c.source) << " / " << DirectionName(c.direction));
    const RouteDecision decision = RouteRefundEvent(c.source, c.direction, "acct");
    CHECK(decision.direction == c.expected);
    CHECK(decision.skipped() == !c.expected.has_value());
    // A skip always says why, in words that name the account; a route never carries a reason.
    if (!c.expected) {
      CHECK_THAT(decision.reason, Catch::Contains("acct"));
    } else {
      CHECK(decision.reason.empty());
    }
  }
}

TEST_CASE("Our own writes looping back are skipped, never synced again", "[policy]") {
  SECTION("a refund we posted to Shopify comes back as a Shopify refunds/create webhook") {
    // The Shopify account syncs from NetSuite; its refund webhook is a storefront event.
    const Direction shopify = EffectiveDirection(Channel::kShopify, std::nullopt);
    const RouteDecision decision = RouteRefundEvent(SourceSystem::kStorefront, shopify, "shopify-main");
    CHECK(decision.skipped());
    CHECK_THAT(decision.reason, Catch::Contains("from NetSuite"));
  }
  SECTION("a cash refund we created in NetSuite comes back as a NetSuite event") {
    const Direction ebay = EffectiveDirection(Channel::kEbay, std::nullopt);
    const RouteDecision decision = RouteRefundEvent(SourceSystem::kNetSuite, ebay, "ebay-us");
    CHECK(decision.skipped());
    CHECK_THAT(decision.reason, Catch::Contains("to NetSuite"));
  }
}

TEST_CASE("Channels know their kind and support", "[policy]") {
  CHECK(KindOf(Channel::kEbay) == ChannelKind::kMarketplace);
  CHECK(KindOf(Channel::kShopify) == ChannelKind::kCart);
  CHECK(KindOf(Channel::kWalmart) == ChannelKind::kMarketplace);
  CHECK(KindOf(Channel::kMagento) == ChannelKind::kCart);
  CHECK(IsChannelSupported(Channel::kEbay));
  CHECK_FALSE(IsChannelSupported(Channel::kAmazon));
  CHECK(ParseChannel("bigcommerce") == Channel::kBigCommerce);
  CHECK_FALSE(ParseChannel("etsy").has_value());
}
