// Each webhook source's steps in one place: whether an account receives it, verifying the raw request against
// that account as of a time, parsing what verified, and the id its deliveries are deduplicated by. Built once in
// the composition root and used by the live routes, the replay route and the CLI's dry run alike.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"
#include "ingress/ebay_verifier.h"
#include "ingress/netsuite_verifier.h"
#include "ingress/shopify_verifier.h"
#include "ingress/webhook_parsers.h"

namespace refundsync {

class WebhookSources {
 public:
  WebhookSources(const ShopifyVerifier& shopify, const EbayVerifier& ebay, const NetSuiteVerifier& netsuite)
      : shopify_(shopify), ebay_(ebay), netsuite_(netsuite) {}

  // Whether `account` can receive webhooks of `source`: a Shopify or eBay account configured for it; NetSuite's
  // need none (its records are matched to accounts later), so `account` may be null for them.
  static bool Accepts(WebhookSource source, const AccountConfig* account);

  // Verifies the raw request as of `now_ms` (a capture's received_at for replay: only NetSuite's token carries
  // time claims). May fetch eBay's signing key, a network call: HTTP threads try VerifyWithoutFetching first.
  // Precondition: Accepts(source, account).
  Verification Verify(WebhookSource source, const AccountConfig* account, const HttpRequest& request,
                      std::int64_t now_ms) const;
  // nullopt when verifying would first fetch eBay's signing key.
  std::optional<Verification> VerifyWithoutFetching(WebhookSource source, const AccountConfig* account,
                                                    const HttpRequest& request, std::int64_t now_ms) const;

  // Precondition: Accepts(webhook.source(), account).
  static ParsedWebhook Parse(const AccountConfig* account, const VerifiedWebhook& webhook);

  // "<source>:<account or netsuite>:<sender's event id>"; a payload without one (a verified eBay body that is not
  // JSON) is named by the digest of its body, so its retries still dedupe.
  static std::string DedupeId(const VerifiedWebhook& webhook, const ParsedWebhook& parsed);

 private:
  const ShopifyVerifier& shopify_;
  const EbayVerifier& ebay_;
  const NetSuiteVerifier& netsuite_;
};

// The source a captured request's source name stands for ("shopify", "ebay", "netsuite").
std::optional<WebhookSource> WebhookSourceNamed(std::string_view name);

}  // namespace refundsync
