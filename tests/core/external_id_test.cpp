#include "core/external_id.h"

#include <catch2/catch.hpp>

using refundsync::ExternalIdTemplate;

TEST_CASE("External id templates render and match order ids", "[external_id]") {
  auto tpl = ExternalIdTemplate::Parse("{account}-{order_id}", "ebay-us").value();
  CHECK(tpl.Render("13-14786-65872") == "ebay-us-13-14786-65872");
  CHECK(tpl.Match("ebay-us-13-14786-65872") == std::optional<std::string>("13-14786-65872"));
  CHECK_FALSE(tpl.Match("shopify-main-1").has_value());
  CHECK_FALSE(tpl.Match("ebay-us-").has_value());
  CHECK_FALSE(tpl.Match("ebay-us-a b").has_value());

  auto custom = ExternalIdTemplate::Parse("SO_{order_id}_X", "ignored").value();
  CHECK(custom.Render("42") == "SO_42_X");
  CHECK(custom.Match("SO_42_X") == std::optional<std::string>("42"));
  // The audit's SuiteQL narrows NetSuite's rows to this shape; `_` matching any character only widens it.
  CHECK(tpl.LikePattern() == "ebay-us-%");
  CHECK(custom.LikePattern() == "SO_%_X");
}

TEST_CASE("External id templates are validated", "[external_id]") {
  CHECK_FALSE(ExternalIdTemplate::Parse("{account}", "a").has_value());
  CHECK_FALSE(ExternalIdTemplate::Parse("{order_id}-{order_id}", "a").has_value());
  CHECK_FALSE(ExternalIdTemplate::Parse("so/{order_id}", "a").has_value());
  CHECK_FALSE(ExternalIdTemplate::Parse("{shop}-{order_id}", "a").has_value());
}

TEST_CASE("Templates that two accounts could both match overlap", "[external_id]") {
  auto parse = [](const char* text, const char* account) { return ExternalIdTemplate::Parse(text, account).value(); };
  // "ebay-us-123" could be account "ebay" with order "us-123".
  CHECK(parse("{account}-{order_id}", "ebay").Overlaps(parse("{account}-{order_id}", "ebay-us")));
  CHECK_FALSE(parse("{account}-{order_id}", "ebay-us").Overlaps(parse("{account}-{order_id}", "shopify-main")));
  CHECK(parse("{order_id}", "a").Overlaps(parse("{order_id}", "b")));
  CHECK(parse("X{order_id}", "a").Overlaps(parse("{order_id}Y", "b")));  // "X1Y" matches both
  CHECK_FALSE(parse("{order_id}-a", "a").Overlaps(parse("{order_id}-b", "b")));
}
