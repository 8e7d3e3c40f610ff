#include "ingress/shopify_verifier.h"

#include "core/crypto.h"

namespace refundsync {

const std::string* ShopifyHeader(const HttpRequest& request, const std::string& suffix) {
  if (const std::string* value = request.Header("x-shopify-" + suffix)) return value;
  return request.Header("shopify-" + suffix);
}

Verification ShopifyVerifier::Verify(const AccountConfig& account, const HttpRequest& request) const {
  const std::string* signature = ShopifyHeader(request, "hmac-sha256");
  if (signature == nullptr) return Rejection{"no X-Shopify-Hmac-Sha256 header"};
  if (request.body.empty()) return Rejection{"empty body"};
  const auto expected = Base64Decode(*signature);
  if (!expected) return Rejection{"signature is not base64"};
  if (expected->size() != 32) return Rejection{"signature is not 32 bytes"};
  bool matched = false;
  for (const Secret& secret : account.shopify->webhook_secrets) {
    // Compare against every secret, without stopping early, so timing says nothing about which one matched.
    matched |= ConstantTimeEqual(HmacSha256(secret.reveal(), request.body), *expected);
  }
  if (!matched) return Rejection{"HMAC does not match any webhook secret of the account"};
  std::string event_id;
  if (const std::string* id = ShopifyHeader(request, "event-id")) {
    event_id = *id;
  } else if (const std::string* delivery = ShopifyHeader(request, "webhook-id")) {
    event_id = *delivery;
  }
  return VerifiedWebhook(WebhookSource::kShopify, account.id, request, event_id);
}

}  // namespace refundsync
