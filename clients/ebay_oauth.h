// eBay OAuth tokens: the application token (client credentials grant) that the Notification API's public-key
// endpoint needs, and the user token (refresh token grant) for the seller's orders and refunds. Cached until
// shortly before they expire; one fetch at a time.
#pragma once

#include <mutex>
#include <string>

#include "clients/http_client.h"
#include "core/clock.h"
#include "core/config.h"

namespace refundsync {

// kApplication: client credentials (public keys, notification config and destinations); kUser: the seller's orders
// (sell.fulfillment); kUserRefunds: issue_refund (sell.finances too, asked for only when refunding, so an account that
// only reads orders works with a consent without it); kUserNotifications: subscriptions to user-context topics such as
// ORDER_CONFIRMATION (commerce.notification.subscription, and the topic's own scope, sell.fulfillment).
enum class EbayGrant { kApplication, kUser, kUserRefunds, kUserNotifications };

// The scopes a user-token grant asks for.
std::string UserScopes(EbayGrant grant);

class EbayTokenProvider {
 public:
  EbayTokenProvider(const EbayAccountConfig& config, HttpClient& http, const Clock& clock, EbayGrant grant)
      : config_(config), http_(http), clock_(clock), grant_(grant) {}

  Result<std::string> Token();
  // After a 401: the next Token() fetches a new one.
  void Invalidate();

 private:
  const EbayAccountConfig& config_;
  HttpClient& http_;
  const Clock& clock_;
  EbayGrant grant_;
  std::mutex mutex_;
  std::string token_;
  std::int64_t expires_at_ms_ = 0;
};

}  // namespace refundsync
