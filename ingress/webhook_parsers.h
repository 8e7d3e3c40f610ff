// One parser per source, turning a verified payload into the core WebhookEvent (simdjson on-demand over a
// padded copy of the body). A payload that verifies but cannot be used becomes kIgnored with the reason:
// the sender must get a 200, or it would retry and eventually disable the subscription.
#pragma once

#include <string>

#include "core/webhook_event.h"
#include "ingress/verified_webhook.h"

namespace refundsync {

struct ParsedWebhook {
  WebhookEvent event;
  // The id the dedupe key is built from: the sender's event id, or for eBay the notificationId. Empty when the
  // payload has none (the pipeline then uses a digest of the body).
  std::string dedupe_id;
  // Deletion and redaction notifications carry personal data: their capture is stored without the body.
  bool redact_capture = false;
};

// `shop_domain`: the account's shop; a privacy redaction must name it in its body.
ParsedWebhook ParseShopifyWebhook(const VerifiedWebhook& webhook, const std::string& shop_domain);
ParsedWebhook ParseEbayWebhook(const VerifiedWebhook& webhook);
ParsedWebhook ParseNetSuiteWebhook(const VerifiedWebhook& webhook);

// The same parsers on plain inputs, for the fuzz targets and unit tests.
ParsedWebhook ParseShopifyPayload(const std::string& account, const std::string& topic, const std::string& body,
                                  const std::string& shop_domain);
ParsedWebhook ParseEbayPayload(const std::string& account, const std::string& body);
ParsedWebhook ParseNetSuitePayload(const std::string& body);

}  // namespace refundsync
