#include "store/redis_ingest_store.h"

#include <cstring>

#include <openssl/sha.h>

#include "core/crypto.h"
#include "core/json_writer.h"
#include "store/key_layout.h"

namespace refundsync {
namespace {

// KEYS[1] dedupe key, KEYS[2] capture stream, KEYS[3] event stream (all of one shard: one hash tag).
// ARGV[1] dedupe window ms, ARGV[2] capture cap (approximate: MAXLEN ~ trims whole stream nodes, cheaply),
// ARGV[3] oldest capture id to keep (exact: usually nothing to remove, and age is a promise to users), ARGV[4] verdict when new,
// ARGV[5] "1" to enqueue, ARGV[6] event JSON, ARGV[7] event id prefix, ARGV[8..] capture field/value pairs.
// Returns {verdict, event_id, original_event_id}.
constexpr const char* kIngestScript = R"lua(
local fields = {}
for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
local original = redis.call('GET', KEYS[1])
if original then
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
                        'verdict', 'duplicate', 'original_event_id', original, unpack(fields))
  redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3])
  return {'duplicate', ARGV[7] .. id, original}
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'verdict', ARGV[4], unpack(fields))
local event_id = ARGV[7] .. id
redis.call('SET', KEYS[1], event_id, 'PX', ARGV[1])
if ARGV[5] == '1' then
  redis.call('XADD', KEYS[3], '*', 'event_id', event_id, 'event', ARGV[6])
end
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3])
return {ARGV[4], event_id, ''}
)lua";

std::string ScriptSha() {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(kIngestScript), std::strlen(kIngestScript), digest);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

std::string HeadersJson(const std::map<std::string, std::string>& headers) {
  JsonWriter json;
  json.BeginObject();
  for (const auto& [name, value] : headers) json.Key(name).String(value);
  json.EndObject();
  return json.Take();
}

Error Unavailable(const std::string& why) { return MakeError("store_unavailable", why); }

std::string ReplyText(const redisReply* reply) {
  return reply->str ? std::string(reply->str, reply->len) : std::string();
}

}  // namespace

std::vector<std::string> CaptureFields(const CaptureRecord& capture) {
  return {"received_at", std::to_string(capture.received_at_ms),
          "source",      capture.source,
          "account",     capture.account,
          "method",      capture.method,
          "path",        capture.path,
          "query",       capture.query,
          "headers",     HeadersJson(capture.headers),
          "body",        capture.body_redacted ? std::string() : capture.body,
          "redacted",    capture.body_redacted ? "1" : "0",
          "reason",      capture.reason};
}

RedisIngestStore::RedisIngestStore(RedisPerThread& redis, const Clock& clock, Duration dedupe_window,
                                   CaptureLimits limits, int min_replicas_ack)
    : redis_(redis),
      clock_(clock),
      dedupe_window_(dedupe_window),
      limits_(limits),
      min_replicas_ack_(min_replicas_ack) {}

Result<RedisReply> RedisIngestStore::RunScript(RedisConnection& connection, const std::vector<std::string>& args) {
  static const std::string sha = ScriptSha();
  std::vector<std::string> command = {"EVALSHA", sha, "3"};
  command.insert(command.end(), args.begin(), args.end());
  auto reply = connection.Command(command);
  if (!reply) return reply;
  if ((*reply)->type == REDIS_REPLY_ERROR && ReplyText(reply->get()).rfind("NOSCRIPT", 0) == 0) {
    // Redis restarted (or failed over) and forgot the script: load it and run it again. Nothing ran the first
    // time, so this cannot apply the event twice.
    auto loaded = connection.Command({"SCRIPT", "LOAD", kIngestScript});
    if (!loaded) return loaded;
    if ((*loaded)->type == REDIS_REPLY_ERROR) return Unavailable("SCRIPT LOAD failed: " + ReplyText(loaded->get()));
    return connection.Command(command);
  }
  return reply;
}

Result<IngestOutcome> RedisIngestStore::Ingest(const IngestRequest& request) {
  auto connection = redis_.Get();
  if (!connection) return Unavailable(connection.error().message);
  const int shard = keys::ShardOf(request.dedupe_id);
  const std::int64_t per_shard_cap = std::max<std::int64_t>(1, limits_.max_entries / keys::kShardCount);
  const std::int64_t oldest_kept = std::max<std::int64_t>(0, clock_.NowMs() - limits_.max_age.count());
  std::vector<std::string> args = {keys::Dedupe(shard, request.dedupe_id),
                                   keys::Captures(shard),
                                   keys::Events(shard),
                                   std::to_string(dedupe_window_.count()),
                                   std::to_string(per_shard_cap),
                                   std::to_string(oldest_kept),
                                   request.verdict,
                                   request.enqueue ? "1" : "0",
                                   request.event_json,
                                   keys::EventIdPrefix(shard)};
  for (auto& field : CaptureFields(request.capture)) args.push_back(std::move(field));
  auto reply = RunScript(**connection, args);
  if (!reply) return Unavailable(reply.error().message);
  const redisReply* r = reply->get();
  if (r->type == REDIS_REPLY_ERROR) return Unavailable("ingest script failed: " + ReplyText(r));
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) return Unavailable("ingest script gave an unexpected reply");
  IngestOutcome outcome{ReplyText(r->element[0]), ReplyText(r->element[1]), ReplyText(r->element[2])};
  if (min_replicas_ack_ > 0 && outcome.verdict != "duplicate") {
    auto acked = (*connection)->Command({"WAIT", std::to_string(min_replicas_ack_), "1000"});
    if (!acked || (*acked)->type != REDIS_REPLY_INTEGER || (*acked)->integer < min_replicas_ack_) {
      // Recorded on the primary but not yet on enough replicas: 503 makes the sender retry, and the retry finds
      // the dedupe key (answered as a duplicate) once replication caught up.
      return Unavailable("the event is not yet on " + std::to_string(min_replicas_ack_) + " replica(s)");
    }
  }
  return outcome;
}

Result<std::string> RedisIngestStore::CaptureRejected(const CaptureRecord& capture) {
  auto connection = redis_.Get();
  if (!connection) return Unavailable(connection.error().message);
  std::vector<std::string> command = {"XADD", keys::RejectedCaptures(), "MAXLEN", "~",
                                      std::to_string(limits_.rejected_max_entries), "*", "verdict", "rejected"};
  for (auto& field : CaptureFields(capture)) command.push_back(std::move(field));
  auto reply = (*connection)->Command(command);
  if (!reply) return Unavailable(reply.error().message);
  if ((*reply)->type != REDIS_REPLY_STRING) return Unavailable("XADD failed: " + ReplyText(reply->get()));
  return std::string(keys::kRejectedEventIdPrefix) + ReplyText(reply->get());
}

}  // namespace refundsync
