// Shopify: X-Shopify-Hmac-Sha256 (or the newer shopify-hmac-sha256) is the base64 HMAC-SHA256 of the raw body
// with the app's secret. Any of the account's secrets verifies, so a secret can rotate without downtime.
#pragma once

#include <vector>

#include "core/config.h"
#include "ingress/verified_webhook.h"

namespace refundsync {

class ShopifyVerifier {
 public:
  Verification Verify(const AccountConfig& account, const HttpRequest& request) const;
};

// The value of a Shopify header under either naming scheme ("x-shopify-topic" or "shopify-topic").
const std::string* ShopifyHeader(const HttpRequest& request, const std::string& suffix);

}  // namespace refundsync
