// Store sessions in memory for the worker's unit tests: every session shares one MemorySyncStore (behind a mutex,
// since the worker's reader and handler threads use their sessions at once) and one in-memory event queue with
// the consumer-group behaviour the worker relies on: an entry goes to one consumer, stays pending until
// acknowledged, and can be claimed by another consumer once it is idle.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/memory_sync_store.h"
#include "store/store_session.h"

namespace refundsync::testing {

// Every call of MemorySyncStore, one at a time.
class LockedSyncStore : public SyncStore {
  // Defined first: the forwarding methods below deduce its return type.
  template <typename Method, typename... Args>
  auto Locked(Method method, const Args&... args) {
    std::lock_guard lock(mutex_);
    return (static_cast<SyncStore&>(store_).*method)(args...);
  }

 public:
  explicit LockedSyncStore(MemorySyncStore& store) : store_(store) {}

  Result<Stored> CreateIfAbsent(const Transaction& tx) override { return Locked(&SyncStore::CreateIfAbsent, tx); }
  Result<std::optional<Transaction>> Load(const std::string& id) override { return Locked(&SyncStore::Load, id); }
  Result<std::vector<Transaction>> LoadMany(const std::vector<std::string>& ids) override {
    return Locked(&SyncStore::LoadMany, ids);
  }
  Result<void> Save(const Transaction& tx) override { return Locked(&SyncStore::Save, tx); }
  Result<void> SaveFenced(const Transaction& tx, std::int64_t token) override {
    return Locked(&SyncStore::SaveFenced, tx, token);
  }
  Result<std::vector<std::string>> ListIds(const ListFilter& filter, std::int64_t position, int count) override {
    return Locked(&SyncStore::ListIds, filter, position, count);
  }
  Result<std::optional<std::int64_t>> AcquireOrderLease(const OrderKey& order, Duration ttl) override {
    return Locked(&SyncStore::AcquireOrderLease, order, ttl);
  }
  Result<void> ReleaseOrderLease(const OrderKey& order, std::int64_t token) override {
    return Locked(&SyncStore::ReleaseOrderLease, order, token);
  }
  Result<void> ScheduleRetry(const std::string& id, std::int64_t due_ms) override {
    return Locked(&SyncStore::ScheduleRetry, id, due_ms);
  }
  Result<std::vector<std::string>> TakeDueRetries(std::int64_t now_ms, int limit, Duration visibility) override {
    return Locked(&SyncStore::TakeDueRetries, now_ms, limit, visibility);
  }
  Result<void> RemoveRetry(const std::string& id) override { return Locked(&SyncStore::RemoveRetry, id); }
  Result<void> DeadLetter(const Transaction& tx) override { return Locked(&SyncStore::DeadLetter, tx); }
  Result<std::int64_t> FirstSeen(const std::string& account, std::int64_t now_ms) override {
    return Locked(&SyncStore::FirstSeen, account, now_ms);
  }
  Result<std::optional<std::int64_t>> Checkpoint(const std::string& scope) override {
    return Locked(&SyncStore::Checkpoint, scope);
  }
  Result<void> SetCheckpoint(const std::string& scope, std::int64_t ms) override {
    return Locked(&SyncStore::SetCheckpoint, scope, ms);
  }
  Result<bool> TryAcquireRunnerLease(const std::string& scope, const std::string& holder, Duration ttl) override {
    return Locked(&SyncStore::TryAcquireRunnerLease, scope, holder, ttl);
  }
  Result<void> ReleaseRunnerLease(const std::string& scope, const std::string& holder) override {
    return Locked(&SyncStore::ReleaseRunnerLease, scope, holder);
  }
  Result<std::optional<std::string>> CacheGet(const std::string& key) override {
    return Locked(&SyncStore::CacheGet, key);
  }
  Result<void> CachePut(const std::string& key, const std::string& value, Duration ttl) override {
    return Locked(&SyncStore::CachePut, key, value, ttl);
  }
  Result<void> SaveAuditReport(const std::string& account, const std::string& report_json) override {
    return Locked(&SyncStore::SaveAuditReport, account, report_json);
  }
  Result<std::optional<std::string>> LastAuditReport(const std::string& account) override {
    return Locked(&SyncStore::LastAuditReport, account);
  }
  Result<void> SaveAuditRun(const std::string& account, const std::string& run_json) override {
    return Locked(&SyncStore::SaveAuditRun, account, run_json);
  }
  Result<std::optional<std::string>> LastAuditRun(const std::string& account) override {
    return Locked(&SyncStore::LastAuditRun, account);
  }
  Result<void> SaveAcknowledgement(const std::string& account, const std::string& order_id,
                                   const std::string& ack_json) override {
    return Locked(&SyncStore::SaveAcknowledgement, account, order_id, ack_json);
  }
  Result<std::vector<std::pair<std::string, std::string>>> Acknowledgements(const std::string& account) override {
    return Locked(&SyncStore::Acknowledgements, account);
  }

 private:
  MemorySyncStore& store_;
  std::mutex mutex_;
};

// One shard stream and its consumer group, in memory.
class FakeEventQueue : public EventQueue {
 public:
  // A new entry, delivered to the next reader.
  void Push(const std::string& event_id, const std::string& event_json) {
    std::lock_guard lock(mutex_);
    const std::string entry_id = std::to_string(++next_entry_) + "-0";
    entries_[entry_id] = QueuedEvent{"events:0", entry_id, event_id, event_json};
    undelivered_.push_back(entry_id);
    changed_.notify_all();
  }
  // A new entry that consumer `dead` read and never acknowledged, idle for long: for Claim.
  void PushAbandoned(const std::string& event_id, const std::string& event_json) {
    std::lock_guard lock(mutex_);
    const std::string entry_id = std::to_string(++next_entry_) + "-0";
    entries_[entry_id] = QueuedEvent{"events:0", entry_id, event_id, event_json};
    pending_[entry_id] = "dead-consumer";
    abandoned_.insert(entry_id);
  }
  std::size_t acked() const {
    std::lock_guard lock(mutex_);
    return acked_.size();
  }
  std::size_t pending() const {
    std::lock_guard lock(mutex_);
    return pending_.size() + undelivered_.size();
  }
  int claims() const {
    std::lock_guard lock(mutex_);
    return claimed_;
  }

  int shard_count() const override { return 1; }
  Result<void> EnsureGroups() override { return {}; }
  Result<std::vector<QueuedEvent>> Read(const std::string& consumer, int per_stream,
                                        std::chrono::milliseconds block) override {
    std::unique_lock lock(mutex_);
    // A short wait whatever the worker asks for, so stopping a worker never waits out a long block.
    changed_.wait_for(lock, std::min(block, std::chrono::milliseconds(5)), [this] { return !undelivered_.empty(); });
    std::vector<QueuedEvent> read;
    while (!undelivered_.empty() && static_cast<int>(read.size()) < per_stream) {
      const std::string entry_id = undelivered_.front();
      undelivered_.erase(undelivered_.begin());
      pending_[entry_id] = consumer;
      read.push_back(entries_[entry_id]);
    }
    return read;
  }
  Result<std::vector<QueuedEvent>> Claim(int /*shard*/, const std::string& consumer, Duration /*idle*/,
                                         int count) override {
    std::lock_guard lock(mutex_);
    std::vector<QueuedEvent> claimed;
    for (auto it = abandoned_.begin(); it != abandoned_.end() && static_cast<int>(claimed.size()) < count;) {
      pending_[*it] = consumer;
      claimed.push_back(entries_[*it]);
      it = abandoned_.erase(it);
      ++claimed_;
    }
    return claimed;
  }
  Result<void> KeepHeld(const std::string& /*consumer*/, const std::vector<QueuedEvent>& /*held*/) override {
    return {};
  }
  Result<void> Ack(const QueuedEvent& event) override {
    std::lock_guard lock(mutex_);
    if (pending_.erase(event.entry_id) > 0) acked_.push_back(event.event_id);
    return {};
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int next_entry_ = 0;
  int claimed_ = 0;
  std::map<std::string, QueuedEvent> entries_;
  std::vector<std::string> undelivered_;
  std::map<std::string, std::string> pending_;  // entry id -> consumer
  std::set<std::string> abandoned_;             // pending for a consumer that died, idle past any claim time
  std::vector<std::string> acked_;              // event ids, in the order they were acknowledged
};

class NoCaptures : public CaptureReader {
 public:
  Result<std::optional<StoredCapture>> Get(const std::string& /*event_id*/) override {
    return std::optional<StoredCapture>();
  }
  Result<CapturePage> List(const CaptureFilter& /*filter*/, int /*limit*/,
                           const std::optional<std::string>& /*cursor*/) override {
    return CapturePage{};
  }
};

class FakeStoreSession : public StoreSession {
 public:
  FakeStoreSession(SyncStore& store, EventQueue& events) : store_(store), events_(events) {}
  bool broken() const override { return false; }
  SyncStore& store() override { return store_; }
  EventQueue& events() override { return events_; }
  CaptureReader& captures() override { return captures_; }

 private:
  SyncStore& store_;
  EventQueue& events_;
  NoCaptures captures_;
};

// Sessions over one store and one queue; the first `refuse_connects` connections fail (the store is down).
class FakeStoreConnector : public StoreConnector {
 public:
  FakeStoreConnector(MemorySyncStore& store, FakeEventQueue& events) : store_(store), events_(events) {}
  Result<std::unique_ptr<StoreSession>> Connect(Duration /*timeout*/) const override {
    if (refuse_connects > 0) {
      --refuse_connects;
      return MakeError("store_unavailable", "the store is down (test)");
    }
    return std::unique_ptr<StoreSession>(std::make_unique<FakeStoreSession>(store_, events_));
  }
  mutable std::atomic<int> refuse_connects{0};

 private:
  mutable LockedSyncStore store_;
  FakeEventQueue& events_;
};

}  // namespace refundsync::testing
