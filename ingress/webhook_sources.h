// One adapter per webhook source, each with the source's steps in one place: whether an account receives it,
// verifying the raw request against that account as of a time, and parsing what verified. Built once in the
// composition root (cli/webhook_verification.h) and used by the live routes, the replay route and the CLI's dry
// run alike. The id deliveries are deduplicated by is built the same way for every source (WebhookDedupeId).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "ingress/ebay_verifier.h"
#include "ingress/netsuite_verifier.h"
#include "ingress/shopify_verifier.h"
#include "ingress/webhook_parsers.h"

namespace refundsync {

class WebhookSourceAdapter {
 public:
  virtual ~WebhookSourceAdapter() = default;
  virtual WebhookSource source() const = 0;
  // Whether `account` can receive webhooks of this source. NetSuite's need no account (its records are matched to
  // accounts later), so `account` may be null for them.
  virtual bool Accepts(const AccountConfig* account) const = 0;
  // Verifies the raw request as of `now_ms` (a capture's received_at for replay: only NetSuite's token carries
  // time claims). May fetch eBay's signing key, a network call: HTTP threads try VerifyWithoutFetching first.
  // Precondition: Accepts(account).
  virtual Verification Verify(const AccountConfig* account, const HttpRequest& request, std::int64_t now_ms) const = 0;
  // nullopt when verifying would first fetch a signing key over the network.
  virtual std::optional<Verification> VerifyWithoutFetching(const AccountConfig* account, const HttpRequest& request,
                                                            std::int64_t now_ms) const {
    return Verify(account, request, now_ms);
  }
  // Precondition: Accepts(account), and `webhook` verified by this adapter.
  virtual ParsedWebhook Parse(const AccountConfig* account, const VerifiedWebhook& webhook) const = 0;
};

// Shopify: HMAC-SHA256 of the body with the account's app secret; the shop must be the account's.
class ShopifyWebhookSource : public WebhookSourceAdapter {
 public:
  explicit ShopifyWebhookSource(const ShopifyVerifier& verifier) : verifier_(verifier) {}
  WebhookSource source() const override { return WebhookSource::kShopify; }
  bool Accepts(const AccountConfig* account) const override;
  Verification Verify(const AccountConfig* account, const HttpRequest& request, std::int64_t now_ms) const override;
  ParsedWebhook Parse(const AccountConfig* account, const VerifiedWebhook& webhook) const override;

 private:
  const ShopifyVerifier& verifier_;
};

// eBay: ECDSA over the body with eBay's public key for the signature's key id (fetched once, then cached).
class EbayWebhookSource : public WebhookSourceAdapter {
 public:
  explicit EbayWebhookSource(const EbayVerifier& verifier) : verifier_(verifier) {}
  WebhookSource source() const override { return WebhookSource::kEbay; }
  bool Accepts(const AccountConfig* account) const override;
  Verification Verify(const AccountConfig* account, const HttpRequest& request, std::int64_t now_ms) const override;
  std::optional<Verification> VerifyWithoutFetching(const AccountConfig* account, const HttpRequest& request,
                                                    std::int64_t now_ms) const override;
  ParsedWebhook Parse(const AccountConfig* account, const VerifiedWebhook& webhook) const override;

 private:
  const EbayVerifier& verifier_;
};

// NetSuite: our SuiteScript's JWT (RS256/ES256), valid at `now_ms`.
class NetSuiteWebhookSource : public WebhookSourceAdapter {
 public:
  explicit NetSuiteWebhookSource(const NetSuiteVerifier& verifier) : verifier_(verifier) {}
  WebhookSource source() const override { return WebhookSource::kNetSuite; }
  bool Accepts(const AccountConfig* account) const override;
  Verification Verify(const AccountConfig* account, const HttpRequest& request, std::int64_t now_ms) const override;
  ParsedWebhook Parse(const AccountConfig* account, const VerifiedWebhook& webhook) const override;

 private:
  const NetSuiteVerifier& verifier_;
};

// The three adapters, by source or by the name captures store.
class WebhookSources {
 public:
  WebhookSources(const ShopifyVerifier& shopify, const EbayVerifier& ebay, const NetSuiteVerifier& netsuite)
      : shopify_(shopify), ebay_(ebay), netsuite_(netsuite) {}

  const WebhookSourceAdapter& For(WebhookSource source) const;
  // nullptr for a name that is no source ("shopify", "ebay" and "netsuite" are).
  const WebhookSourceAdapter* Named(std::string_view name) const;

 private:
  const ShopifyWebhookSource shopify_;
  const EbayWebhookSource ebay_;
  const NetSuiteWebhookSource netsuite_;
};

// "<source>:<account or netsuite>:<sender's event id>"; a payload without one (a verified eBay body that is not
// JSON) is named by the digest of its body, so its retries still dedupe.
std::string WebhookDedupeId(const VerifiedWebhook& webhook, const ParsedWebhook& parsed);

}  // namespace refundsync
