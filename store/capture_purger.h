// Purges stored captures about a person or a shop, for the privacy notifications (Shopify customers/redact and
// shop/redact, eBay MARKETPLACE_ACCOUNT_DELETION).
//
// A capture is removed when it belongs to the scope (source, and account when given) and either the whole
// account is purged or its body or headers contain one of the subjects (customer id, e-mail, phone, user name,
// order ids). Matching is by substring, so it errs on the side of removing too much debug data, never too
// little personal data. The notification's own capture is stored without its body, so it stays.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "store/purge_scheduler.h"
#include "store/redis_connection.h"

namespace refundsync {

// Scans every capture stream in batches and deletes matching entries; returns how many were deleted.
Result<std::int64_t> PurgeCaptures(RedisConnection& redis, const PurgeRequest& request);

// Runs purges on a thread of its own so a webhook is answered at once. The event also sits in the work queue,
// so a purge lost to a crash here is done again by the worker.
class PrivacyPurgeRunner : public PurgeScheduler {
 public:
  explicit PrivacyPurgeRunner(RedisLocator locator);
  ~PrivacyPurgeRunner();

  void Submit(PurgeRequest request) override;

 private:
  void Run();

  RedisLocator locator_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PurgeRequest> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace refundsync
