#include "ingress/webhook_sources.h"

#include "core/crypto.h"

namespace refundsync {

bool WebhookSources::Accepts(WebhookSource source, const AccountConfig* account) {
  switch (source) {
    case WebhookSource::kShopify:
      return account != nullptr && account->shopify.has_value();
    case WebhookSource::kEbay:
      return account != nullptr && account->ebay.has_value();
    case WebhookSource::kNetSuite:
      return true;
  }
  return false;
}

Verification WebhookSources::Verify(WebhookSource source, const AccountConfig* account, const HttpRequest& request,
                                    std::int64_t now_ms) const {
  switch (source) {
    case WebhookSource::kShopify:
      return shopify_.Verify(*account, request);
    case WebhookSource::kEbay:
      return ebay_.Verify(*account, request);
    case WebhookSource::kNetSuite:
      return netsuite_.Verify(request, now_ms);
  }
  return Rejection{"unknown source"};
}

std::optional<Verification> WebhookSources::VerifyWithoutFetching(WebhookSource source, const AccountConfig* account,
                                                                  const HttpRequest& request, std::int64_t now_ms) const {
  if (source == WebhookSource::kEbay) return ebay_.VerifyWithCachedKey(*account, request);
  return Verify(source, account, request, now_ms);
}

ParsedWebhook WebhookSources::Parse(const AccountConfig* account, const VerifiedWebhook& webhook) {
  switch (webhook.source()) {
    case WebhookSource::kShopify:
      return ParseShopifyWebhook(webhook, account->shopify->shop_domain);
    case WebhookSource::kEbay:
      return ParseEbayWebhook(webhook);
    case WebhookSource::kNetSuite:
      return ParseNetSuiteWebhook(webhook);
  }
  return ParseNetSuiteWebhook(webhook);
}

std::string WebhookSources::DedupeId(const VerifiedWebhook& webhook, const ParsedWebhook& parsed) {
  const std::string sender_id = parsed.dedupe_id.empty() ? "sha256:" + HexEncode(Sha256(webhook.body())) : parsed.dedupe_id;
  const std::string& account = webhook.account();
  return std::string(WebhookSourceName(webhook.source())) + ":" + (account.empty() ? "netsuite" : account) + ":" +
         sender_id;
}

std::optional<WebhookSource> WebhookSourceNamed(std::string_view name) {
  for (WebhookSource source : {WebhookSource::kShopify, WebhookSource::kEbay, WebhookSource::kNetSuite}) {
    if (WebhookSourceName(source) == name) return source;
  }
  return std::nullopt;
}

}  // namespace refundsync
