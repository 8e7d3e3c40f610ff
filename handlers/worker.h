// The worker: consumes the shard streams through a Redis consumer group (so replicas share the work), runs due
// retries, and reclaims entries that a dead consumer left pending (XAUTOCLAIM after an idle time).
//
// One reader thread takes work from Redis (stream entries, due retries, reclaimed entries) only while a handler
// thread is free, and puts it on one queue; `concurrency` handler threads take from that queue, each job as soon
// as a thread is free. So a NetSuite call that hangs for its whole timeout holds one thread and one job, never the
// entries read with it. An entry is acknowledged (and removed) only after its transactions' new state is stored;
// one the process dies holding is reclaimed by another consumer after the claim idle time (while it lives, the
// reader's heartbeat keeps the entries it holds from looking idle).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.h"
#include "handlers/refund_processor.h"
#include "store/store_session.h"

namespace refundsync {

class Worker {
 public:
  Worker(const RefundProcessor& processor, const StoreConnector& connector, std::string consumer_prefix,
         Duration claim_idle, const Clock& clock, MetricsRegistry& metrics);
  ~Worker();

  void Start(int threads);
  // Finishes the jobs taken from Redis and stops.
  void Stop();

 private:
  // One unit of work: a stream entry (acknowledged once handled) or a due retry.
  struct Job {
    QueuedEvent event;  // its stream is empty for a retry
    std::string retry_tx;
    bool reclaimed = false;  // taken over after the claim idle time (its queued time is not the ingress's)
  };

  // What the reader keeps between rounds.
  struct ReaderState {
    std::unique_ptr<StoreSession> session;
    int claim_shard = 0;
    std::int64_t next_claim_ms = 0;
    std::int64_t next_heartbeat_ms = 0;
  };
  void Read();
  // One round: heartbeat when due, then due retries, reclaimed entries and new entries for the free threads.
  void ReadRound(ReaderState& state);
  void Handle();
  static std::string HeldKey(const Job& job);
  void HandleJob(const Job& job, std::unique_ptr<StoreSession>& session);
  // The session, connected again when it broke; an error when the store cannot be reached now.
  Result<void> Connect(std::unique_ptr<StoreSession>& session);
  // Waits until a handler thread is free and nothing is queued; false when stopping or after `at_most`.
  bool WaitForFreeThread(std::chrono::milliseconds at_most);
  // Restarts the idle time of every stream entry this process holds (queued or being handled), so that another
  // replica never takes over an entry behind a slow call; run every claim_idle / 3.
  void Heartbeat(EventQueue& events);
  int FreeThreads();
  // Queues a job unless this process already holds it (queued or being handled): XAUTOCLAIM also returns this
  // consumer's own entries once they are idle for the claim idle time, e.g. behind a slow NetSuite call.
  void Enqueue(Job job);
  // Reads again shortly after a store error (e.g. NOGROUP after a failover to a master without the group).
  void PauseAfterError(const std::string& what, const Error& error);
  // Handles one stream entry; true when it may be acknowledged.
  bool Process(const Job& job, SyncStore& store);

  const RefundProcessor& processor_;
  const StoreConnector& connector_;
  std::string consumer_;
  Duration claim_idle_;
  const Clock& clock_;
  Histogram& queued_seconds_;                 // refundsync_refund_stage_seconds{stage="queued"}
  std::atomic<bool> reader_stopping_{false};  // set first: nothing more is taken from Redis
  bool stopping_ = false;                     // then: handlers finish the queue and leave (under mutex_)
  std::mutex mutex_;
  std::condition_variable job_ready_;    // a job was queued (or stopping)
  std::condition_variable thread_free_;  // a handler finished a job (or stopping)
  std::deque<Job> jobs_;
  std::map<std::string, QueuedEvent> held_;  // by HeldKey: stream entries and retries queued or being handled here
  int idle_ = 0;                             // handler threads waiting for a job
  std::thread reader_;
  std::vector<std::thread> handlers_;
};

}  // namespace refundsync
