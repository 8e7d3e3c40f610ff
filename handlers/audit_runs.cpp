#include "handlers/audit_runs.h"

#include <atomic>

#include "core/log.h"

namespace refundsync {

namespace {

// An audit reads every order of two months: minutes at most, in our measurements far less. The lease outlives it.
constexpr Duration kScheduledLease = std::chrono::hours(1);
constexpr Duration kConnectTimeout = std::chrono::seconds(2);

std::string NewAuditId(std::int64_t now_ms) {
  static std::atomic<int> sequence{0};
  return "audit-" + std::to_string(now_ms) + "-" + std::to_string(sequence.fetch_add(1));
}

}  // namespace

AuditRuns::AuditRuns(const Config& config, const AuditActions& actions, const StoreConnector& connector,
                     const Clock& clock, std::string holder)
    : config_(config),
      actions_(actions),
      connector_(connector),
      clock_(clock),
      holder_(std::move(holder)),
      thread_([this] { Run(); }) {}

AuditRuns::~AuditRuns() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<std::string> AuditRuns::Start(const std::string& account, const AuditPeriod& period, SyncStore& store) {
  const std::string id = NewAuditId(clock_.NowMs());
  auto marked = actions_.MarkRunning(account, period, id, store);
  if (!marked) return marked.error();
  {
    std::lock_guard lock(mutex_);
    queued_.push_back({account, period, id});
  }
  wake_.notify_all();
  return id;
}

void AuditRuns::Run() {
  std::unique_ptr<StoreSession> session;
  // After a restart the gauge follows the reports audits stored before it.
  if (auto connected = connector_.Connect(kConnectTimeout)) {
    session = std::move(*connected);
    for (const auto& account : config_.accounts) {
      if (account.direction != Direction::kOff) (void)actions_.Last(account.id, session->store());
    }
  }
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
    if (stopping_) return;
    Queued next = std::move(queued_.front());
    queued_.pop_front();
    lock.unlock();
    try {
      if (!session || session->broken()) {
        auto connected = connector_.Connect(kConnectTimeout);
        if (connected) session = std::move(*connected);
      }
      if (session) {
        (void)actions_.RunAndStore(next.account, next.period, session->store(), next.id);  // logs its outcome
      } else {
        log::Warn("audit_failed", {{"account", next.account}, {"error", "the store is unreachable"}});
      }
    } catch (const std::exception& e) {
      log::Error("audit_failed", {{"account", next.account}, {"error", e.what()}});
      session.reset();
    }
    lock.lock();
  }
}

void AuditRuns::ScheduledPass() {
  auto period = PreviousAndCurrentMonth(config_.audit_timezone, clock_.NowMs());
  auto session = connector_.Connect(kConnectTimeout);
  if (!period || !session) return;
  SyncStore& store = (*session)->store();
  for (const auto& account : config_.accounts) {
    if (account.direction == Direction::kOff) continue;
    const std::string scope = "audit:" + account.id;
    auto leased = store.TryAcquireRunnerLease(scope, holder_, kScheduledLease);
    if (leased && *leased) {
      (void)actions_.RunAndStore(account.id, *period, store, NewAuditId(clock_.NowMs()));
      (void)store.ReleaseRunnerLease(scope, holder_);
    } else {
      (void)actions_.Last(account.id, store);  // another replica audits it: follow its report
    }
  }
}

}  // namespace refundsync
