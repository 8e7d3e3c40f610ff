#include "handlers/worker.h"

#include <map>

#include "core/log.h"
#include "core/refund_stages.h"
#include "core/unit_number.h"
#include "handlers/refund_source.h"
#include "store/key_layout.h"

namespace refundsync {
namespace {

// Entries read per stream and read: one, so a read takes at most one entry of each shard (8), and what waits in
// the queue waits for the next free thread only.
constexpr int kReadPerStream = 1;
constexpr int kClaimBatch = 100;  // after an outage many entries may wait for takeover at once

std::string Text(const redisReply* reply) { return reply && reply->str ? std::string(reply->str, reply->len) : ""; }

// A stream entry [id, [field, value, ...]] -> its job; false when malformed.
bool EntryJob(const std::string& stream, const redisReply* entry, std::string& entry_id, std::string& event_id,
              std::string& event_json) {
  if (entry == nullptr || entry->type != REDIS_REPLY_ARRAY || entry->elements < 2) return false;
  entry_id = Text(entry->element[0]);
  const redisReply* fields = entry->element[1];
  for (std::size_t i = 0; fields && fields->type == REDIS_REPLY_ARRAY && i + 1 < fields->elements; i += 2) {
    const std::string name = Text(fields->element[i]);
    if (name == "event_id") event_id = Text(fields->element[i + 1]);
    if (name == "event") event_json = Text(fields->element[i + 1]);
  }
  return !stream.empty() && !entry_id.empty();
}

}  // namespace

Result<void> EnsureConsumerGroups(RedisConnection& redis) {
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    auto reply = redis.Command({"XGROUP", "CREATE", keys::Events(shard), std::string(keys::kWorkerGroup), "0", "MKSTREAM"});
    if (!reply) return reply.error();
    if ((*reply)->type == REDIS_REPLY_ERROR && Text(reply->get()).rfind("BUSYGROUP", 0) != 0) {
      return MakeError("store_unavailable", "XGROUP CREATE: " + Text(reply->get()));
    }
  }
  return {};
}

Worker::Worker(const RefundProcessor& processor, RedisLocator locator, std::string consumer_prefix,
               Duration claim_idle, const Clock& clock, MetricsRegistry& metrics)
    : processor_(processor),
      locator_(std::move(locator)),
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
  return job.stream.empty() ? "retry " + job.retry_tx : job.stream + " " + job.entry_id;
}

bool Worker::WaitForFreeThread(std::chrono::milliseconds at_most) {
  std::unique_lock lock(mutex_);
  return thread_free_.wait_for(lock, at_most, [this] { return reader_stopping_ || (jobs_.empty() && idle_ > 0); }) &&
         !reader_stopping_;
}

void Worker::Heartbeat(RedisConnection& connection) {
  std::map<std::string, std::vector<std::string>> entries_by_stream;
  {
    std::lock_guard lock(mutex_);
    for (const auto& key : held_) {
      const auto space = key.find(' ');
      if (key.rfind("retry ", 0) != 0 && space != std::string::npos) {
        entries_by_stream[key.substr(0, space)].push_back(key.substr(space + 1));
      }
    }
  }
  for (auto& [stream, ids] : entries_by_stream) {
    // Claimed again by their holder with no minimum idle time: their idle time restarts, so no other consumer's
    // XAUTOCLAIM takes over an entry this process is still handling (JUSTID: the delivery count stays).
    std::vector<std::string> command = {"XCLAIM", stream, std::string(keys::kWorkerGroup), consumer_, "0"};
    command.insert(command.end(), ids.begin(), ids.end());
    command.push_back("JUSTID");
    (void)connection.Command(command);
  }
}

int Worker::FreeThreads() {
  std::lock_guard lock(mutex_);
  return std::max(0, idle_ - static_cast<int>(jobs_.size()));
}

void Worker::Enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!held_.insert(HeldKey(job)).second) return;  // ours already
    jobs_.push_back(std::move(job));
  }
  job_ready_.notify_one();
}

void Worker::PauseAfterError(RedisConnection& connection, const std::string& what, const std::string& error) {
  log::Warn("worker_read_failed", {{"command", what}, {"reason", error}, {"effect", "read again in 200 ms"}});
  if (error.rfind("NOGROUP", 0) == 0) (void)EnsureConsumerGroups(connection);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

bool Worker::Process(const Job& job, TransactionStore& store) {
  auto event = WebhookEventFromJson(job.event_json);
  if (!event) {
    log::Error("event_unreadable", {{"event_id", job.event_id}, {"effect", "acknowledged and dropped; the capture keeps it"}});
    return true;
  }
  auto handled = processor_.HandleEvent(*event, store, job.event_id);
  if (!handled) {
    log::Warn("event_not_handled", {{"event_id", job.event_id}, {"reason", handled.error().message},
                                    {"effect", "left pending; redelivered after the claim idle time"}});
    return false;
  }
  return true;
}

void Worker::Handle() {
  std::unique_ptr<RedisConnection> connection;
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
    if (!job.stream.empty() && !job.reclaimed) {
      const auto dash = job.entry_id.find('-');
      if (auto queued_ms = ParseInt64(std::string_view(job.entry_id).substr(0, dash)); queued_ms && *queued_ms > 0) {
        queued_seconds_.Observe(static_cast<double>(std::max<std::int64_t>(0, clock_.NowMs() - *queued_ms)) / 1000.0);
      }
    }
    HandleJob(job, connection);
    std::lock_guard lock(mutex_);
    held_.erase(HeldKey(job));
  }
}

void Worker::HandleJob(const Job& job, std::unique_ptr<RedisConnection>& connection) {
  if (!connection || connection->broken()) {
    auto connected = locator_.ConnectToMaster(std::chrono::seconds(1));
    if (!connected) {
      // Redis is down: an entry stays pending (reclaimed later), a retry stays in the retry set.
      log::Warn("worker_job_dropped", {{"entry", job.entry_id}, {"tx", job.retry_tx}, {"reason", connected.error().message}});
      return;
    }
    connection = std::move(*connected);
  }
  TransactionStore store(*connection);
  if (job.stream.empty()) {
    (void)processor_.Retry(job.retry_tx, store);
    return;
  }
  if (Process(job, store)) {
    (void)connection->Command({"XACK", job.stream, std::string(keys::kWorkerGroup), job.entry_id});
    (void)connection->Command({"XDEL", job.stream, job.entry_id});
  }
}

void Worker::Read() {
  std::unique_ptr<RedisConnection> connection;
  int claim_shard = 0;
  std::int64_t next_claim_ms = 0;
  std::int64_t next_heartbeat_ms = 0;
  // Wakes at least every 200 ms even while every thread is busy: the heartbeat must go on then most of all.
  while (!reader_stopping_) {
    const bool free = WaitForFreeThread(std::chrono::milliseconds(200));
    if (reader_stopping_) break;
    if (!connection || connection->broken()) {
      auto connected = locator_.ConnectToMaster(std::chrono::seconds(1));
      if (!connected || !EnsureConsumerGroups(**connected)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // Redis is down: try again shortly
        continue;
      }
      connection = std::move(*connected);
    }
    TransactionStore store(*connection);
    const std::int64_t now = clock_.NowMs();
    if (now >= next_heartbeat_ms) {
      Heartbeat(*connection);
      next_heartbeat_ms = now + std::max<std::int64_t>(100, claim_idle_.count() / 3);
    }
    if (!free) continue;

    // Taken retries stay in the set (due again after the claim idle time) until they are finished.
    if (auto due = store.TakeDueRetries(now, std::max(1, FreeThreads()), claim_idle_)) {
      for (auto& id : *due) Enqueue(Job{"", "", "", "", std::move(id)});
    }

    // Entries a dead (or stalled) consumer left pending for longer than the claim idle time.
    // At most one per free thread: what waits in this process's queue ages in Redis, and another replica would
    // take it over after the claim idle time.
    for (int round = 0; now >= next_claim_ms && round < keys::kShardCount && FreeThreads() > 0; ++round) {
      if (round == keys::kShardCount - 1) next_claim_ms = now + claim_idle_.count() / 2;
      claim_shard = (claim_shard + 1) % keys::kShardCount;
      const std::string stream = keys::Events(claim_shard);
      auto claimed = connection->Command({"XAUTOCLAIM", stream, std::string(keys::kWorkerGroup), consumer_,
                                          std::to_string(claim_idle_.count()), "0-0", "COUNT",
                                          std::to_string(std::min(kClaimBatch, FreeThreads()))});
      if (!claimed || (*claimed)->type != REDIS_REPLY_ARRAY || (*claimed)->elements < 2) continue;
      const redisReply* entries = (*claimed)->element[1];
      for (std::size_t i = 0; entries->type == REDIS_REPLY_ARRAY && i < entries->elements; ++i) {
        Job job;
        job.stream = stream;
        job.reclaimed = true;
        if (!EntryJob(stream, entries->element[i], job.entry_id, job.event_id, job.event_json)) continue;
        log::Info("event_reclaimed", {{"stream", stream}, {"entry", job.entry_id}, {"consumer", consumer_}});
        Enqueue(std::move(job));
      }
    }
    if (FreeThreads() == 0) continue;  // retries and reclaimed entries first

    std::vector<std::string> read = {"XREADGROUP", "GROUP", std::string(keys::kWorkerGroup), consumer_, "COUNT",
                                     std::to_string(kReadPerStream), "BLOCK", "200", "STREAMS"};
    for (int shard = 0; shard < keys::kShardCount; ++shard) read.push_back(keys::Events(shard));
    for (int shard = 0; shard < keys::kShardCount; ++shard) read.push_back(">");
    auto reply = connection->Command(read);
    if (reply && (*reply)->type == REDIS_REPLY_ERROR) {
      PauseAfterError(*connection, "XREADGROUP", Text(reply->get()));
      continue;
    }
    if (!reply || (*reply)->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t s = 0; s < (*reply)->elements; ++s) {
      const redisReply* stream_reply = (*reply)->element[s];
      if (stream_reply->type != REDIS_REPLY_ARRAY || stream_reply->elements < 2) continue;
      const std::string stream = Text(stream_reply->element[0]);
      const redisReply* entries = stream_reply->element[1];
      for (std::size_t i = 0; entries->type == REDIS_REPLY_ARRAY && i < entries->elements; ++i) {
        Job job;
        job.stream = stream;
        if (EntryJob(stream, entries->element[i], job.entry_id, job.event_id, job.event_json)) Enqueue(std::move(job));
      }
    }
  }
}

}  // namespace refundsync
