#include "handlers/worker.h"

#include "core/log.h"
#include "handlers/refund_source.h"
#include "store/key_layout.h"

namespace refundsync {
namespace {

constexpr int kBatch = 10;
// Entries a thread takes per stream and read. A thread handles what it took one after the other, so taking more
// starves the other threads of a backlog (measured: COUNT 10 kept one NetSuite call in flight of the 5 allowed);
// one per stream, at most 8 per read, keeps every thread busy.
constexpr int kReadPerStream = 1;
constexpr int kClaimBatch = 100;  // after an outage many entries may wait for takeover at once

std::string Text(const redisReply* reply) { return reply && reply->str ? std::string(reply->str, reply->len) : ""; }

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
               Duration claim_idle, const Clock& clock)
    : processor_(processor),
      locator_(std::move(locator)),
      consumer_prefix_(std::move(consumer_prefix)),
      claim_idle_(claim_idle),
      clock_(clock) {}

Worker::~Worker() { Stop(); }

void Worker::Start(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
}

void Worker::Stop() {
  stopping_ = true;
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

bool Worker::Process(const redisReply* fields, TransactionStore& store) {
  std::string event_id, event_json;
  for (std::size_t i = 0; fields && i + 1 < fields->elements; i += 2) {
    const std::string name = Text(fields->element[i]);
    if (name == "event_id") event_id = Text(fields->element[i + 1]);
    if (name == "event") event_json = Text(fields->element[i + 1]);
  }
  auto event = WebhookEventFromJson(event_json);
  if (!event) {
    log::Error("event_unreadable", {{"event_id", event_id}, {"effect", "acknowledged and dropped; the capture keeps it"}});
    return true;
  }
  auto handled = processor_.HandleEvent(*event, store, event_id);
  if (!handled) {
    log::Warn("event_not_handled", {{"event_id", event_id}, {"reason", handled.error().message},
                                    {"effect", "left pending; redelivered after the claim idle time"}});
    return false;
  }
  return true;
}

void Worker::Run(int index) {
  const std::string consumer = consumer_prefix_ + "-" + std::to_string(index);
  std::unique_ptr<RedisConnection> connection;
  int claim_shard = index % keys::kShardCount;
  std::int64_t next_claim_ms = 0;
  while (!stopping_) {
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

    // Taken retries stay in the set (due again after the claim idle time) until they are finished.
    if (auto due = store.TakeDueRetries(now, kBatch, claim_idle_)) {
      for (const auto& id : *due) (void)processor_.Retry(id, store);
    }

    // Entries a dead (or stalled) consumer left pending for longer than the claim idle time.
    for (int round = 0; now >= next_claim_ms && round < keys::kShardCount; ++round) {
      if (round == keys::kShardCount - 1) next_claim_ms = now + claim_idle_.count() / 2;
      claim_shard = (claim_shard + 1) % keys::kShardCount;
      const std::string stream = keys::Events(claim_shard);
      auto claimed = connection->Command({"XAUTOCLAIM", stream, std::string(keys::kWorkerGroup), consumer,
                                          std::to_string(claim_idle_.count()), "0-0", "COUNT", std::to_string(kClaimBatch)});
      if (claimed && (*claimed)->type == REDIS_REPLY_ARRAY && (*claimed)->elements >= 2) {
        const redisReply* entries = (*claimed)->element[1];
        for (std::size_t i = 0; i < entries->elements; ++i) {
          const redisReply* entry = entries->element[i];
          if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 2) continue;
          const std::string id = Text(entry->element[0]);
          log::Info("event_reclaimed", {{"stream", stream}, {"entry", id}, {"consumer", consumer}});
          if (Process(entry->element[1], store)) {
            (void)connection->Command({"XACK", stream, std::string(keys::kWorkerGroup), id});
            (void)connection->Command({"XDEL", stream, id});
          }
        }
      }
    }

    std::vector<std::string> read = {"XREADGROUP", "GROUP", std::string(keys::kWorkerGroup), consumer, "COUNT",
                                     std::to_string(kReadPerStream), "BLOCK", "200", "STREAMS"};
    for (int shard = 0; shard < keys::kShardCount; ++shard) read.push_back(keys::Events(shard));
    for (int shard = 0; shard < keys::kShardCount; ++shard) read.push_back(">");
    auto reply = connection->Command(read);
    if (!reply || (*reply)->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t s = 0; s < (*reply)->elements; ++s) {
      const redisReply* stream_reply = (*reply)->element[s];
      const std::string stream = Text(stream_reply->element[0]);
      const redisReply* entries = stream_reply->element[1];
      for (std::size_t i = 0; i < entries->elements; ++i) {
        const redisReply* entry = entries->element[i];
        const std::string id = Text(entry->element[0]);
        if (Process(entry->element[1], store)) {
          (void)connection->Command({"XACK", stream, std::string(keys::kWorkerGroup), id});
          (void)connection->Command({"XDEL", stream, id});
        }
      }
    }
  }
}

}  // namespace refundsync
