// The external id of the NetSuite sales order of a storefront order, built from a template such as
// "{account}-{order_id}". To NetSuite we render it; from NetSuite we match a sales order's external id against
// every account's template to find the account and order, so no two accounts may be able to match one id.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace refundsync {

class ExternalIdTemplate {
 public:
  // Checks the template: exactly one {order_id}, optional {account}, otherwise only [A-Za-z0-9_-].
  static Result<ExternalIdTemplate> Parse(std::string_view text, std::string_view account_id);

  std::string Render(std::string_view order_id) const { return prefix_ + std::string(order_id) + suffix_; }

  // The storefront order id, if `external_id` has this account's shape.
  std::optional<std::string> Match(std::string_view external_id) const;

  // True when some external id could match both templates.
  bool Overlaps(const ExternalIdTemplate& other) const;

  // A SQL LIKE pattern every external id of this shape matches, e.g. "ebay-us-%". The literal text is
  // [A-Za-z0-9_-], so it needs no quoting; a `_` in it matches any one character: a superset, which Match narrows.
  std::string LikePattern() const { return prefix_ + "%" + suffix_; }

  // E.g. "ebay-us-…", for messages.
  std::string Example() const { return prefix_ + "…" + suffix_; }

 private:
  std::string prefix_;  // literal text before {order_id}, with {account} substituted
  std::string suffix_;  // literal text after {order_id}
};

// Characters NetSuite allows in an external id, and account ids use: [A-Za-z0-9_-].
bool IsIdentifierChar(char c);
bool IsIdentifier(std::string_view text);

}  // namespace refundsync
