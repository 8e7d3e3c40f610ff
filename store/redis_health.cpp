#include "store/redis_health.h"

#include "core/log.h"
#include "store/key_layout.h"

namespace refundsync {

RedisHealthMonitor::RedisHealthMonitor(RedisLocator locator, Duration interval)
    : locator_(std::move(locator)), interval_(interval) {}

RedisHealthMonitor::~RedisHealthMonitor() { Stop(); }

bool RedisHealthMonitor::CheckNow() {
  const Duration timeout = std::min<Duration>(interval_, std::chrono::milliseconds(500));
  if (locator_.uses_sentinel()) FollowSentinel(timeout);
  if (!connection_ || connection_->broken()) {
    auto connected = locator_.ConnectToMaster(timeout);
    connection_ = connected ? std::move(*connected) : nullptr;
  }
  bool ok = false;
  std::string why = "no connection";
  if (connection_) {
    auto reply = connection_->Command({"SET", keys::HealthProbe(), "1", "PX", "60000"});
    ok = reply && (*reply)->type == REDIS_REPLY_STATUS;
    if (!reply) {
      why = reply.error().message;
    } else if (!ok && (*reply)->str != nullptr) {
      why = std::string((*reply)->str, (*reply)->len);  // e.g. "OOM command not allowed when used memory > ..."
    }
  }
  const bool was = healthy_.exchange(ok, std::memory_order_acq_rel);
  if (was != ok) {
    if (ok) {
      log::Info("redis_reachable");
    } else {
      log::Warn("redis_unavailable", {{"reason", why}, {"effect", "readiness fails until Redis takes writes again"}});
    }
  }
  return ok;
}

void RedisHealthMonitor::FollowSentinel(Duration timeout) {
  auto target = locator_.Locate(timeout, sentinel_);
  if (!target)
    return;  // no Sentinel answers: the probe write below tells whether the master we know still takes writes
  if (master_ && !(*master_ == *target)) {
    BumpMasterGeneration();
    log::Warn("redis_master_changed", {{"from", master_->Describe()},
                                       {"to", target->Describe()},
                                       {"effect", "every connection reconnects to the new master"}});
  }
  master_ = *target;
}

void RedisHealthMonitor::Start() { checks_.Start(); }

void RedisHealthMonitor::Stop() { checks_.Stop(); }

}  // namespace refundsync
