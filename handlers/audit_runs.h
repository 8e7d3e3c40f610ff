// Audits started through the admin API (POST /api/audit/run) and by the schedule run here, one at a time on a
// thread of their own: the request is answered 202 at once and the audit's reads never hold an admin thread.
//
// Threading: Start and ScheduledPass may be called from any thread; the audits themselves run on this object's
// thread, each on a store session of its own. The destructor finishes the audit in hand and drops queued ones.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "handlers/audit_actions.h"
#include "store/store_session.h"

namespace refundsync {

class AuditRuns {
 public:
  // `holder` names this process among the replicas (the runner leases' holder).
  AuditRuns(const Config& config, const AuditActions& actions, const StoreConnector& connector, const Clock& clock,
            std::string holder);
  ~AuditRuns();
  AuditRuns(const AuditRuns&) = delete;
  AuditRuns& operator=(const AuditRuns&) = delete;

  // Marks the audit running in `store` (so GET /api/audit shows it) and queues it; its id.
  Result<std::string> Start(const std::string& account, const AuditPeriod& period, SyncStore& store);

  // The schedule (audit.interval): the previous calendar month and the current one of every account that syncs,
  // each audited by one replica at a time (a runner lease per account); the others read the stored report, so
  // every replica's gauge follows it.
  void ScheduledPass();

 private:
  struct Queued {
    std::string account;
    AuditPeriod period;
    std::string id;
  };
  void Run();

  const Config& config_;
  const AuditActions& actions_;
  const StoreConnector& connector_;
  const Clock& clock_;
  const std::string holder_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queued_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace refundsync
