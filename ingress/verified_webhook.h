// A webhook whose signature or token has been checked. Only the verifiers can make one (the constructor is
// private), and the ingest pipeline accepts nothing else, so an unverified request can never reach the parser,
// burn a dedupe key or be enqueued.
#pragma once

#include <string>

#include "core/result.h"
#include "core/webhook_event.h"
#include "ingress/http_message.h"

namespace refundsync {

class VerifiedWebhook {
 public:
  WebhookSource source() const { return source_; }
  const std::string& account() const { return account_; }  // empty for NetSuite
  const HttpRequest& request() const { return *request_; }
  const std::string& body() const { return request_->body; }
  // The sender's id of this event, verified as far as the source allows: Shopify X-Shopify-Event-Id (else the
  // delivery id), eBay notificationId (read by the parser), NetSuite jti.
  const std::string& sender_event_id() const { return sender_event_id_; }

 private:
  VerifiedWebhook(WebhookSource source, std::string account, const HttpRequest& request, std::string sender_event_id)
      : source_(source),
        account_(std::move(account)),
        request_(&request),
        sender_event_id_(std::move(sender_event_id)) {}

  friend class ShopifyVerifier;
  friend class EbayVerifier;
  friend class NetSuiteVerifier;

  WebhookSource source_;
  std::string account_;
  const HttpRequest* request_;  // the verified request outlives the pipeline call that uses this
  std::string sender_event_id_;
};

// Why verification failed. `retryable` means we could not check (e.g. eBay's key service is down): answer 503
// so the sender retries, instead of 401.
struct Rejection {
  std::string reason;  // for logs and captures; never sent to the caller
  bool retryable = false;
};

using Verification = std::variant<VerifiedWebhook, Rejection>;

}  // namespace refundsync
