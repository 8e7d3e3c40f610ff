// Every store role over one connection (StoreSession), how a thread gets one (StoreConnector), and a pool of
// idle sessions for request threads (StoreSessionPool).
//
// Threading: a session is used by one thread at a time. A session whose connection broke says so (`broken`):
// its holder drops it and connects again. The pool and the connector may be used from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/duration.h"
#include "core/result.h"
#include "store/capture_reader.h"
#include "store/event_queue.h"
#include "store/sync_store.h"

namespace refundsync {

class StoreSession {
 public:
  virtual ~StoreSession() = default;
  virtual bool broken() const = 0;
  virtual SyncStore& store() = 0;
  virtual EventQueue& events() = 0;
  virtual CaptureReader& captures() = 0;
};

class StoreConnector {
 public:
  virtual ~StoreConnector() = default;
  // A session on the current master, or store_unavailable after `timeout`.
  virtual Result<std::unique_ptr<StoreSession>> Connect(Duration timeout) const = 0;
};

// Sessions for short requests (the admin API): an idle one when there is one, else a new one. Up to
// `max_idle` returned sessions are kept, as many as threads use the pool at once, so no request queues behind
// another's session.
class StoreSessionPool {
 public:
  StoreSessionPool(const StoreConnector& connector, std::size_t max_idle, Duration connect_timeout)
      : connector_(connector), max_idle_(max_idle), connect_timeout_(connect_timeout) {}

  // Runs `use` with a session and returns its result; store_unavailable when no session can be had. A session
  // that broke during `use` is dropped, not returned to the pool.
  template <typename Use>
  auto With(Use&& use) const -> decltype(use(std::declval<StoreSession&>())) {
    auto session = Take();
    if (!session) return session.error();
    auto result = use(**session);
    Return(std::move(*session));
    return result;
  }

 private:
  Result<std::unique_ptr<StoreSession>> Take() const;
  void Return(std::unique_ptr<StoreSession> session) const;

  const StoreConnector& connector_;
  const std::size_t max_idle_;
  const Duration connect_timeout_;
  mutable std::mutex mutex_;  // idle_
  mutable std::vector<std::unique_ptr<StoreSession>> idle_;
};

}  // namespace refundsync
