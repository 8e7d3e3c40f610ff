// Where audits run: those started through the admin API (POST /api/audit/run) and the scheduled ones, one at a time
// on a thread of their own, so a request is answered 202 at once and no admin thread waits on an audit's reads.
//
// The same thread keeps the gauge refundsync_audit_discrepancies in step with the stored reports (every
// kRefresh, on every replica and role: the audit may run elsewhere), and, in the worker role, runs the schedule
// (audit.interval): an account whose last report is older than the interval is audited again (the previous
// calendar month and the current one), by one replica at a time (a runner lease per account).
//
// Threading: Start may be called from any thread. The destructor finishes the audit in hand; queued ones are
// recorded as failed.
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
  // `holder` names this process among the replicas (the runner leases' holder); `scheduled`: run the schedule.
  AuditRuns(const Config& config, const AuditActions& actions, const StoreConnector& connector, const Clock& clock,
            std::string holder, bool scheduled);
  ~AuditRuns();
  AuditRuns(const AuditRuns&) = delete;
  AuditRuns& operator=(const AuditRuns&) = delete;

  // Records the run as started in `store` (GET /api/audit shows it) and queues it; its id.
  Result<std::string> Start(const std::string& account, const AuditPeriod& period, SyncStore& store);

  static constexpr Duration kRefresh = std::chrono::seconds(30);

 private:
  struct Queued {
    std::string account;
    AuditPeriod period;
    std::string id;
  };
  void Run();
  // Between runs: the gauge follows the stored reports; the schedule's due audits run.
  void Tick(SyncStore& store);
  SyncStore* Session();  // this thread's store session, connected again when it broke; nullptr when unreachable

  const Config& config_;
  const AuditActions& actions_;
  const StoreConnector& connector_;
  const Clock& clock_;
  const std::string holder_;
  const bool scheduled_;
  std::unique_ptr<StoreSession> session_;  // the thread's
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queued_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace refundsync
