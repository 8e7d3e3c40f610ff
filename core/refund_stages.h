// Where the time of one refund's posting goes, kept per thread: the NetSuite client adds its waits for a
// concurrency slot, the counted HTTP client its upstream calls, and the refund processor reads and resets both
// around each post (refundsync_refund_stage_seconds). A post runs on one thread, so no lock is needed.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace refundsync {

struct RefundStageTimes {
  std::chrono::microseconds netsuite_slot{0};  // waiting for a NetSuite concurrency slot
  std::chrono::microseconds upstream{0};       // in NetSuite, Shopify and eBay requests, answer included
};

inline RefundStageTimes& ThisThreadStageTimes() {
  thread_local RefundStageTimes times;
  return times;
}

// Adds the time from construction to destruction to one of this thread's stage times.
class StageTimer {
 public:
  explicit StageTimer(std::chrono::microseconds RefundStageTimes::*stage)
      : stage_(stage), started_(std::chrono::steady_clock::now()) {}
  ~StageTimer() {
    ThisThreadStageTimes().*stage_ +=
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  std::chrono::microseconds RefundStageTimes::*stage_;
  std::chrono::steady_clock::time_point started_;
};

inline constexpr const char* kRefundStageHelp =
    "Where a refund's time goes: queued (received to taken by a worker thread), netsuite_slot (waiting for a NetSuite "
    "concurrency slot) and upstream (in NetSuite, Shopify and eBay requests), per attempt";

// Buckets of the refund histograms: a refund may wait for retries (backoff up to 15 minutes) or a pending gateway.
inline const std::vector<double>& RefundSecondsBuckets() {
  static const std::vector<double> kBuckets = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
  return kBuckets;
}

}  // namespace refundsync
