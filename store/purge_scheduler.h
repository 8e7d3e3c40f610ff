// What a privacy notification asks to purge (Shopify customers/redact and shop/redact, eBay
// MARKETPLACE_ACCOUNT_DELETION), and the interface the webhook routes hand it to; store/capture_purger.h runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace refundsync {

struct PurgeRequest {
  std::string source;                  // "shopify", "ebay"
  std::optional<std::string> account;  // Shopify purges per shop; eBay users may appear in every eBay account
  std::vector<std::string> subjects;
  bool whole_account = false;
};

class PurgeScheduler {
 public:
  virtual ~PurgeScheduler() = default;
  virtual void Submit(PurgeRequest request) = 0;
};

}  // namespace refundsync
