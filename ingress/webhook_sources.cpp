#include "ingress/webhook_sources.h"

#include "core/crypto.h"

namespace refundsync {

bool ShopifyWebhookSource::Accepts(const AccountConfig* account) const {
  return account != nullptr && account->shopify.has_value();
}

Verification ShopifyWebhookSource::Verify(const AccountConfig* account, const HttpRequest& request,
                                          std::int64_t /*now_ms: an HMAC has no time claims*/) const {
  return verifier_.Verify(*account, request);
}

ParsedWebhook ShopifyWebhookSource::Parse(const AccountConfig* account, const VerifiedWebhook& webhook) const {
  return ParseShopifyWebhook(webhook, account->shopify->shop_domain);
}

bool EbayWebhookSource::Accepts(const AccountConfig* account) const {
  return account != nullptr && account->ebay.has_value();
}

Verification EbayWebhookSource::Verify(const AccountConfig* account, const HttpRequest& request,
                                       std::int64_t /*now_ms: eBay's signature has no time claims*/) const {
  return verifier_.Verify(*account, request);
}

std::optional<Verification> EbayWebhookSource::VerifyWithoutFetching(const AccountConfig* account,
                                                                     const HttpRequest& request,
                                                                     std::int64_t /*now_ms*/) const {
  return verifier_.VerifyWithCachedKey(*account, request);
}

ParsedWebhook EbayWebhookSource::Parse(const AccountConfig* /*account*/, const VerifiedWebhook& webhook) const {
  return ParseEbayWebhook(webhook);
}

bool NetSuiteWebhookSource::Accepts(const AccountConfig* /*account*/) const { return true; }

Verification NetSuiteWebhookSource::Verify(const AccountConfig* /*account*/, const HttpRequest& request,
                                           std::int64_t now_ms) const {
  return verifier_.Verify(request, now_ms);
}

ParsedWebhook NetSuiteWebhookSource::Parse(const AccountConfig* /*account*/, const VerifiedWebhook& webhook) const {
  return ParseNetSuiteWebhook(webhook);
}

const WebhookSourceAdapter& WebhookSources::For(WebhookSource source) const {
  switch (source) {
    case WebhookSource::kShopify:
      return shopify_;
    case WebhookSource::kEbay:
      return ebay_;
    case WebhookSource::kNetSuite:
      break;
  }
  return netsuite_;
}

const WebhookSourceAdapter* WebhookSources::Named(std::string_view name) const {
  for (const WebhookSourceAdapter* adapter :
       {static_cast<const WebhookSourceAdapter*>(&shopify_), static_cast<const WebhookSourceAdapter*>(&ebay_),
        static_cast<const WebhookSourceAdapter*>(&netsuite_)}) {
    if (WebhookSourceName(adapter->source()) == name) return adapter;
  }
  return nullptr;
}

std::string WebhookDedupeId(const VerifiedWebhook& webhook, const ParsedWebhook& parsed) {
  const std::string sender_id =
      parsed.dedupe_id.empty() ? "sha256:" + HexEncode(Sha256(webhook.body())) : parsed.dedupe_id;
  const std::string& account = webhook.account();
  return std::string(WebhookSourceName(webhook.source())) + ":" + (account.empty() ? "netsuite" : account) + ":" +
         sender_id;
}

}  // namespace refundsync
