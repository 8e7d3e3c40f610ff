#include "store/redis_event_queue.h"

#include <map>

#include "store/key_layout.h"

namespace refundsync {
namespace {

bool IsArray(const redisReply* reply, std::size_t at_least = 0) {
  return reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements >= at_least;
}

// A stream entry [id, [field, value, ...]] -> its event; false when malformed (such an entry is skipped, and
// stays pending: the capture keeps its body).
bool ReadEntry(const std::string& stream, const redisReply* entry, QueuedEvent& event) {
  if (!IsArray(entry, 2)) return false;
  event.stream = stream;
  event.entry_id = ReplyText(entry->element[0]);
  const redisReply* fields = entry->element[1];
  for (std::size_t i = 0; IsArray(fields) && i + 1 < fields->elements; i += 2) {
    const std::string name = ReplyText(fields->element[i]);
    if (name == "event_id") event.event_id = ReplyText(fields->element[i + 1]);
    if (name == "event") event.event_json = ReplyText(fields->element[i + 1]);
  }
  return !stream.empty() && !event.entry_id.empty();
}

void ReadEntries(const std::string& stream, const redisReply* entries, std::vector<QueuedEvent>& out) {
  for (std::size_t i = 0; IsArray(entries) && i < entries->elements; ++i) {
    QueuedEvent event;
    if (ReadEntry(stream, entries->element[i], event)) out.push_back(std::move(event));
  }
}

Error ErrorAnswer(const std::string& command, const redisReply* reply) {
  return MakeError("store_unavailable", command + ": " + ReplyText(reply));
}

}  // namespace

int RedisEventQueue::shard_count() const { return keys::kShardCount; }

Result<void> RedisEventQueue::EnsureGroups() {
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    auto reply =
        redis_.Command({"XGROUP", "CREATE", keys::Events(shard), std::string(keys::kWorkerGroup), "0", "MKSTREAM"});
    if (!reply) return reply.error();
    if ((*reply)->type == REDIS_REPLY_ERROR && ReplyText(reply->get()).rfind("BUSYGROUP", 0) != 0) {
      return ErrorAnswer("XGROUP CREATE", reply->get());
    }
  }
  return {};
}

Result<std::vector<QueuedEvent>> RedisEventQueue::Read(const std::string& consumer, int per_stream,
                                                       std::chrono::milliseconds block) {
  std::vector<std::string> read = {"XREADGROUP",
                                   "GROUP",
                                   std::string(keys::kWorkerGroup),
                                   consumer,
                                   "COUNT",
                                   std::to_string(per_stream),
                                   "BLOCK",
                                   std::to_string(block.count()),
                                   "STREAMS"};
  for (int shard = 0; shard < keys::kShardCount; ++shard) read.push_back(keys::Events(shard));
  for (int shard = 0; shard < keys::kShardCount; ++shard) read.push_back(">");
  auto reply = redis_.Command(read);
  if (!reply) return reply.error();
  std::vector<QueuedEvent> events;
  const redisReply* streams = reply->get();
  if (streams->type == REDIS_REPLY_ERROR) {
    Error error = ErrorAnswer("XREADGROUP", streams);
    if (ReplyText(streams).rfind("NOGROUP", 0) == 0) (void)EnsureGroups();
    return error;
  }
  if (streams->type == REDIS_REPLY_NIL) return events;  // nothing new within `block`
  for (std::size_t s = 0; IsArray(streams) && s < streams->elements; ++s) {
    const redisReply* stream = streams->element[s];
    if (!IsArray(stream, 2)) continue;
    ReadEntries(ReplyText(stream->element[0]), stream->element[1], events);
  }
  return events;
}

Result<std::vector<QueuedEvent>> RedisEventQueue::Claim(int shard, const std::string& consumer, Duration idle,
                                                        int count) {
  const std::string stream = keys::Events(shard);
  auto reply = redis_.Command({"XAUTOCLAIM", stream, std::string(keys::kWorkerGroup), consumer,
                               std::to_string(idle.count()), "0-0", "COUNT", std::to_string(count)});
  if (!reply) return reply.error();
  if ((*reply)->type == REDIS_REPLY_ERROR) return ErrorAnswer("XAUTOCLAIM", reply->get());
  std::vector<QueuedEvent> events;
  // [next start, [entries...], (Redis 7: [deleted ids])]
  if (IsArray(reply->get(), 2)) ReadEntries(stream, (*reply)->element[1], events);
  return events;
}

Result<void> RedisEventQueue::KeepHeld(const std::string& consumer, const std::vector<QueuedEvent>& held) {
  std::map<std::string, std::vector<std::string>> ids_by_stream;
  for (const auto& event : held) ids_by_stream[event.stream].push_back(event.entry_id);
  // Every stream is tried even when one fails (a shard without its group after a failover): the others' entries
  // must not look idle. The first error is returned.
  Result<void> outcome;
  for (auto& [stream, ids] : ids_by_stream) {
    // Claimed again by their holder with no minimum idle time: their idle time restarts (JUSTID: the delivery
    // count stays).
    std::vector<std::string> command = {"XCLAIM", stream, std::string(keys::kWorkerGroup), consumer, "0"};
    command.insert(command.end(), ids.begin(), ids.end());
    command.push_back("JUSTID");
    auto reply = redis_.Command(command);
    if (!reply) return reply.error();  // the connection is gone: so are the other streams
    if ((*reply)->type == REDIS_REPLY_ERROR && outcome) outcome = ErrorAnswer("XCLAIM", reply->get());
  }
  return outcome;
}

Result<void> RedisEventQueue::Ack(const QueuedEvent& event) {
  auto replies = redis_.Pipeline({{"XACK", event.stream, std::string(keys::kWorkerGroup), event.entry_id},
                                  {"XDEL", event.stream, event.entry_id}});
  if (!replies) return replies.error();
  return {};
}

}  // namespace refundsync
