// What /readyz reports: the process is ready when Redis answers, the config is loaded (it is, or we would not
// be running) and shutdown has not begun. Upstream credentials are deliberately not part of readiness.
#pragma once

#include <atomic>
#include <functional>
#include <string>

namespace refundsync {

class ServiceState {
 public:
  explicit ServiceState(std::function<bool()> redis_healthy) : redis_healthy_(std::move(redis_healthy)) {}

  void BeginShutdown() { shutting_down_.store(true, std::memory_order_release); }
  bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }
  bool redis_healthy() const { return redis_healthy_(); }

  // Empty when ready, else why not.
  std::string NotReadyReason() const {
    if (shutting_down()) return "shutting down";
    if (!redis_healthy()) return "redis unreachable";
    return "";
  }

 private:
  std::function<bool()> redis_healthy_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace refundsync
