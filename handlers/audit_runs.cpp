#include "handlers/audit_runs.h"

#include <atomic>

#include "core/log.h"

namespace refundsync {

namespace {

// An audit reads every order of two months: minutes at most. The lease outlives it.
constexpr Duration kScheduledLease = std::chrono::hours(1);
constexpr Duration kConnectTimeout = std::chrono::seconds(2);

std::string NewAuditId(std::int64_t now_ms) {
  static std::atomic<int> sequence{0};
  return "audit-" + std::to_string(now_ms) + "-" + std::to_string(sequence.fetch_add(1));
}

}  // namespace

AuditRuns::AuditRuns(const Config& config, const AuditActions& actions, const StoreConnector& connector,
                     const Clock& clock, std::string holder, bool scheduled)
    : config_(config),
      actions_(actions),
      connector_(connector),
      clock_(clock),
      holder_(std::move(holder)),
      scheduled_(scheduled && config.audit_interval > Duration(0)),
      thread_([this] { Run(); }) {}

AuditRuns::~AuditRuns() {
  std::deque<Queued> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  dropped.swap(queued_);
  SyncStore* store = dropped.empty() ? nullptr : Session();
  for (const auto& queued : dropped) {
    if (store == nullptr) break;
    AuditRun run{queued.id,
                 queued.period.from,
                 queued.period.to,
                 "failed",
                 Error("abandoned", "the service stopped before this audit ran"),
                 clock_.NowMs(),
                 clock_.NowMs()};
    (void)store->SaveAuditRun(queued.account, ToJson(run));
  }
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

SyncStore* AuditRuns::Session() {
  if (!session_ || session_->broken()) {
    session_.reset();
    auto connected = connector_.Connect(kConnectTimeout);
    if (connected) session_ = std::move(*connected);
  }
  return session_ ? &session_->store() : nullptr;
}

void AuditRuns::Run() {
  std::unique_lock lock(mutex_);
  bool tick = true;  // the gauge follows the stored reports from the start
  for (;;) {
    if (!tick) {
      tick = !wake_.wait_for(lock, kRefresh, [this] { return stopping_ || !queued_.empty(); });
    }
    if (stopping_) return;
    std::optional<Queued> next;
    if (!queued_.empty()) {
      next = std::move(queued_.front());
      queued_.pop_front();
    }
    lock.unlock();
    try {
      SyncStore* store = Session();
      if (store == nullptr) {
        if (next) log::Warn("audit_failed", {{"account", next->account}, {"error", "the store is unreachable"}});
      } else if (next) {
        (void)actions_.RunAndStore(next->account, next->period, *store, next->id);  // logs its outcome
      } else if (tick) {
        Tick(*store);
      }
    } catch (const std::exception& e) {
      log::Error("audit_failed", {{"error", e.what()}});
      session_.reset();
    }
    tick = false;
    lock.lock();
  }
}

void AuditRuns::Tick(SyncStore& store) {
  for (const auto& account : config_.accounts) {
    if (account.direction == Direction::kOff) continue;
    if (scheduled_) {
      const std::string scope = "audit:" + account.id;
      auto leased = store.TryAcquireRunnerLease(scope, holder_, kScheduledLease);
      if (leased && *leased) {
        auto due = actions_.ScheduledAuditDue(account, config_.audit_interval, store);
        auto period = PreviousAndCurrentMonth(config_.audit_timezone, clock_.NowMs());
        if (due && *due && period) (void)actions_.RunAndStore(account.id, *period, store, NewAuditId(clock_.NowMs()));
        (void)store.ReleaseRunnerLease(scope, holder_);
      }
    }
    (void)actions_.Last(account.id, store);  // the gauge follows the stored report
  }
}

}  // namespace refundsync
