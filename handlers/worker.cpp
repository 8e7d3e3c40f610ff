#include "handlers/worker.h"

#include <map>

#include "core/log.h"
#include "core/refund_stages.h"
#include "core/unit_number.h"
#include "handlers/refund_source.h"

namespace refundsync {
namespace {

// Entries read per stream and read: one, so a read takes at most one entry of each shard, and what waits in the
// queue waits for the next free thread only.
constexpr int kReadPerStream = 1;
constexpr int kClaimBatch = 100;  // after an outage many entries may wait for takeover at once
constexpr auto kPause = std::chrono::milliseconds(200);

}  // namespace

Worker::Worker(const RefundProcessor& processor, const StoreConnector& connector, std::string consumer_prefix,
               Duration claim_idle, const Clock& clock, MetricsRegistry& metrics)
    : processor_(processor),
      connector_(connector),
      consumer_(std::move(consumer_prefix)),
      claim_idle_(claim_idle),
      clock_(clock),
      queued_seconds_(metrics.HistogramFor("refundsync_refund_stage_seconds", kRefundStageHelp, {{"stage", "queued"}},
                                           RefundSecondsBuckets())) {}

Worker::~Worker() { Stop(); }

void Worker::Start(int threads) {
  for (int i = 0; i < threads; ++i) handlers_.emplace_back([this] { Handle(); });
  reader_ = std::thread([this] { Read(); });
}

void Worker::Stop() {
  // The reader first, so nothing is queued after the handlers leave; then the handlers finish what is queued (at
  // most a read's worth: the reader takes work only for free threads).
  {
    std::lock_guard lock(mutex_);
    reader_stopping_ = true;
  }
  thread_free_.notify_all();
  if (reader_.joinable()) reader_.join();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (auto& thread : handlers_) {
    if (thread.joinable()) thread.join();
  }
  handlers_.clear();
}

std::string Worker::HeldKey(const Job& job) {
  // Entry ids are unique within a stream only: two shards can both hold 1796587365806-0.
  return job.event.stream.empty() ? "retry " + job.retry_tx : job.event.stream + " " + job.event.entry_id;
}

bool Worker::WaitForFreeThread(std::chrono::milliseconds at_most) {
  std::unique_lock lock(mutex_);
  return thread_free_.wait_for(lock, at_most, [this] { return reader_stopping_ || (jobs_.empty() && idle_ > 0); }) &&
         !reader_stopping_;
}

void Worker::Heartbeat(EventQueue& events) {
  std::vector<QueuedEvent> held;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, event] : held_) {
      if (!event.stream.empty()) held.push_back(event);
    }
  }
  // Their idle time restarts, so no other consumer takes over an entry this process is still handling.
  if (!held.empty()) (void)events.KeepHeld(consumer_, held);
}

int Worker::FreeThreads() {
  std::lock_guard lock(mutex_);
  return std::max(0, idle_ - static_cast<int>(jobs_.size()));
}

void Worker::Enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!held_.emplace(HeldKey(job), job.event).second) return;  // ours already
    jobs_.push_back(std::move(job));
  }
  job_ready_.notify_one();
}

void Worker::PauseAfterError(const std::string& what, const Error& error) {
  log::Warn("worker_read_failed", {{"command", what}, {"reason", error.message}, {"effect", "read again in 200 ms"}});
  std::this_thread::sleep_for(kPause);
}

bool Worker::Process(const Job& job, SyncStore& store) {
  auto event = WebhookEventFromJson(job.event.event_json);
  if (!event) {
    log::Error("event_unreadable",
               {{"event_id", job.event.event_id}, {"effect", "acknowledged and dropped; the capture keeps it"}});
    return true;
  }
  auto handled = processor_.HandleEvent(*event, store, job.event.event_id);
  if (!handled) {
    log::Warn("event_not_handled", {{"event_id", job.event.event_id},
                                    {"reason", handled.error().message},
                                    {"effect", "left pending; redelivered after the claim idle time"}});
    return false;
  }
  return true;
}

void Worker::Handle() {
  std::unique_ptr<StoreSession> session;
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ++idle_;
      thread_free_.notify_one();
      job_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing taken from Redis is left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    thread_free_.notify_one();  // the queue may be empty now while other threads are still free: read more
    // A stream entry's id starts with the milliseconds at which the ingress queued it (Redis's clock).
    if (!job.event.stream.empty() && !job.reclaimed) {
      const std::string& entry_id = job.event.entry_id;
      if (auto queued_ms = ParseInt64(std::string_view(entry_id).substr(0, entry_id.find('-')));
          queued_ms && *queued_ms > 0) {
        queued_seconds_.Observe(static_cast<double>(std::max<std::int64_t>(0, clock_.NowMs() - *queued_ms)) / 1000.0);
      }
    }
    // Nothing a job throws may end this thread: the entry stays pending (reclaimed later), the retry stays due.
    try {
      HandleJob(job, session);
    } catch (const std::exception& error) {
      log::Error("worker_job_threw", {{"entry", job.event.entry_id}, {"tx", job.retry_tx}, {"reason", error.what()}});
      session.reset();
    }
    std::lock_guard lock(mutex_);
    held_.erase(HeldKey(job));
  }
}

Result<void> Worker::Connect(std::unique_ptr<StoreSession>& session) {
  if (session && !session->broken()) return {};
  auto connected = connector_.Connect(std::chrono::seconds(1));
  if (!connected) {
    session.reset();
    return connected.error();
  }
  session = std::move(*connected);
  return {};
}

void Worker::HandleJob(const Job& job, std::unique_ptr<StoreSession>& session) {
  if (auto connected = Connect(session); !connected) {
    // The store is down: an entry stays pending (reclaimed later), a retry stays in the retry set.
    log::Warn("worker_job_dropped",
              {{"entry", job.event.entry_id}, {"tx", job.retry_tx}, {"reason", connected.error().message}});
    return;
  }
  if (job.event.stream.empty()) {
    (void)processor_.Retry(job.retry_tx, session->store());
    return;
  }
  if (Process(job, session->store())) (void)session->events().Ack(job.event);
}

void Worker::Read() {
  ReaderState state;
  // Wakes at least every 200 ms even while every thread is busy: the heartbeat must go on then most of all.
  while (!reader_stopping_) {
    // Nothing a round throws may end this thread: the next round starts over on a fresh session.
    try {
      ReadRound(state);
    } catch (const std::exception& error) {
      log::Error("worker_read_threw", {{"reason", error.what()}, {"effect", "read again in 200 ms"}});
      state.session.reset();
      std::this_thread::sleep_for(kPause);
    }
  }
}

void Worker::ReadRound(ReaderState& state) {
  std::unique_ptr<StoreSession>& session = state.session;
  const bool free = WaitForFreeThread(kPause);
  if (reader_stopping_) return;
  if (!session || session->broken()) {
    if (!Connect(session) || !session->events().EnsureGroups()) {
      session.reset();
      std::this_thread::sleep_for(kPause);  // the store is down: try again shortly
      return;
    }
  }
  EventQueue& events = session->events();
  const std::int64_t now = clock_.NowMs();
  if (now >= state.next_heartbeat_ms) {
    Heartbeat(events);
    state.next_heartbeat_ms = now + std::max<std::int64_t>(100, claim_idle_.count() / 3);
  }
  if (!free) return;

  // Taken retries stay in the set (due again after the claim idle time) until they are finished.
  if (auto due = session->store().TakeDueRetries(now, std::max(1, FreeThreads()), claim_idle_)) {
    for (auto& id : *due) Enqueue(Job{QueuedEvent{}, std::move(id), false});
  }

  // Entries a dead (or stalled) consumer left pending for longer than the claim idle time.
  // At most one per free thread: what waits in this process's queue ages in the store, and another replica
  // would take it over after the claim idle time.
  const int shards = events.shard_count();
  for (int round = 0; now >= state.next_claim_ms && round < shards && FreeThreads() > 0; ++round) {
    if (round == shards - 1) state.next_claim_ms = now + claim_idle_.count() / 2;
    state.claim_shard = (state.claim_shard + 1) % shards;
    auto claimed = events.Claim(state.claim_shard, consumer_, claim_idle_, std::min(kClaimBatch, FreeThreads()));
    if (!claimed) continue;
    for (auto& event : *claimed) {
      log::Info("event_reclaimed", {{"stream", event.stream}, {"entry", event.entry_id}, {"consumer", consumer_}});
      Enqueue(Job{std::move(event), "", /*reclaimed=*/true});
    }
  }
  if (FreeThreads() == 0) return;  // retries and reclaimed entries first

  auto read = events.Read(consumer_, kReadPerStream, kPause);
  if (!read) {
    if (!session->broken()) PauseAfterError("read", read.error());  // a broken connection: reconnect at once
    return;
  }
  for (auto& event : *read) Enqueue(Job{std::move(event), "", false});
}

}  // namespace refundsync
