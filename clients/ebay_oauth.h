// eBay OAuth: the application token (client credentials grant) that the Notification API's public-key endpoint
// needs. Cached until shortly before it expires; one fetch at a time per account.
#pragma once

#include <mutex>
#include <string>

#include "clients/http_client.h"
#include "core/clock.h"
#include "core/config.h"

namespace refundsync {

class EbayAppTokenProvider {
 public:
  EbayAppTokenProvider(const EbayAccountConfig& config, HttpClient& http, const Clock& clock)
      : config_(config), http_(http), clock_(clock) {}

  Result<std::string> Token();

 private:
  const EbayAccountConfig& config_;
  HttpClient& http_;
  const Clock& clock_;
  std::mutex mutex_;
  std::string token_;
  std::int64_t expires_at_ms_ = 0;
};

}  // namespace refundsync
