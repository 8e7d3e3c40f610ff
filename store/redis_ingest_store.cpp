#include "store/redis_ingest_store.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "core/crypto.h"
#include "core/json_writer.h"
#include "store/ingest_script.h"  // generated from store/ingest.lua: kIngestScript
#include "store/key_layout.h"

namespace refundsync {
namespace {

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

}  // namespace

void AppendCaptureFields(CaptureRecord&& capture, std::vector<std::string>& out) {
  const auto add = [&out](const char* name, std::string value) {
    out.emplace_back(name);
    out.push_back(std::move(value));
  };
  add("received_at", std::to_string(capture.received_at_ms));
  add("source", std::move(capture.source));
  add("account", std::move(capture.account));
  add("method", std::move(capture.method));
  add("path", std::move(capture.path));
  add("query", std::move(capture.query));
  add("headers", HeadersJson(capture.headers));
  add("body", capture.body_redacted ? std::string() : std::move(capture.body));
  add("redacted", capture.body_redacted ? "1" : "0");
  add("reason", std::move(capture.reason));
  if (capture.body_size >= 0) add("body_size", std::to_string(capture.body_size));
}

std::int64_t CaptureEntryBytes(const redisReply* fields) {
  std::int64_t bytes = 0;
  if (fields == nullptr || fields->type != REDIS_REPLY_ARRAY) return 0;
  for (std::size_t i = 0; i < fields->elements; ++i) bytes += static_cast<std::int64_t>(fields->element[i]->len);
  return bytes;
}

std::int64_t CaptureLimits::ShardMaxEntries() const {
  return std::max<std::int64_t>(1, (max_entries - max_entries / 10) / keys::kShardCount);
}

std::int64_t CaptureLimits::ShardMaxBytes() const {
  return std::max<std::int64_t>(1, (max_bytes - max_bytes / 10) / keys::kShardCount);
}

std::int64_t CaptureLimits::RejectedMaxEntries() const {
  return std::max<std::int64_t>(1, std::min(max_entries / 10, max_bytes / 10 / kRejectedCaptureMaxBytes));
}

namespace {

void Truncate(std::string& text, std::size_t max) {
  if (text.size() > max) text.resize(max);
}

}  // namespace

void BoundRejectedCapture(CaptureRecord& capture) {
  if (capture.body.size() > kRejectedBodyPrefixBytes) {
    capture.body_size = static_cast<std::int64_t>(capture.body.size());
    capture.body.resize(kRejectedBodyPrefixBytes);
    capture.body.shrink_to_fit();
  }
  Truncate(capture.path, kRejectedTextBytes);
  Truncate(capture.query, kRejectedTextBytes);
  Truncate(capture.reason, kRejectedTextBytes);
  Truncate(capture.source, kRejectedHeaderNameBytes);
  Truncate(capture.account, kRejectedHeaderNameBytes);
  Truncate(capture.method, kRejectedHeaderNameBytes);
  // Headers in the order of their names until their JSON (escaped as stored) would pass kRejectedHeadersBytes.
  std::map<std::string, std::string> kept;
  std::size_t encoded = 2;  // {}
  for (auto& [name, value] : capture.headers) {
    std::string bounded_name = name.substr(0, kRejectedHeaderNameBytes);
    std::string bounded_value = value.substr(0, kRejectedHeaderValueBytes);
    const std::size_t size = HeadersJson({{bounded_name, bounded_value}}).size() - 1;  // with its comma
    if (encoded + size > kRejectedHeadersBytes) break;
    encoded += size;
    kept.emplace(std::move(bounded_name), std::move(bounded_value));
  }
  capture.headers = std::move(kept);
}

RedisIngestStore::RedisIngestStore(AsyncRedis& redis, const Clock& clock, Duration dedupe_window, CaptureLimits limits,
                                   int min_replicas_ack)
    : redis_(redis),
      clock_(clock),
      dedupe_window_(dedupe_window),
      limits_(limits),
      min_replicas_ack_(min_replicas_ack) {}

void RedisIngestStore::Ingest(IngestRequest request, IngestCallback done) {
  static const std::string sha = ScriptSha();
  const int shard = keys::ShardOf(request.dedupe_id);
  const std::int64_t now = clock_.NowMs();
  std::string oldest_kept;  // "": no age trim this time
  std::int64_t last_trim = last_age_trim_ms_[shard].load(std::memory_order_relaxed);
  if ((now - last_trim >= kAgeTrimEveryMs || now < last_trim) &&
      last_age_trim_ms_[shard].compare_exchange_strong(last_trim, now)) {
    oldest_kept = std::to_string(std::max<std::int64_t>(0, now - limits_.max_age.count()));
  }
  std::vector<std::string> args = {"EVALSHA",
                                   sha,
                                   "4",
                                   keys::Dedupe(shard, request.dedupe_id),
                                   keys::Captures(shard),
                                   keys::Events(shard),
                                   keys::CaptureBytes(shard),
                                   std::to_string(dedupe_window_.count()),
                                   std::to_string(limits_.ShardMaxEntries()),
                                   std::move(oldest_kept),
                                   request.verdict,
                                   request.enqueue ? "1" : "0",
                                   request.event_json,
                                   keys::EventIdPrefix(shard),
                                   std::to_string(limits_.ShardMaxBytes())};
  AppendCaptureFields(std::move(request.capture), args);
  // Kept for a NOSCRIPT retry.
  SendScript(std::make_shared<const std::vector<std::string>>(std::move(args)), false, std::move(done));
}

RedisIngestStore::ScriptResult RedisIngestStore::ReadScriptReply(const redisReply* reply, const Error* error) {
  ScriptResult result;
  if (error != nullptr) {
    result.outcome = Unavailable(error->message);
  } else if (reply->type == REDIS_REPLY_ERROR && ReplyText(reply).rfind("NOSCRIPT", 0) == 0) {
    result.noscript = true;
    result.outcome = Unavailable("Redis does not know the ingest script");
  } else if (reply->type == REDIS_REPLY_ERROR) {
    result.outcome = Unavailable("ingest script failed: " + ReplyText(reply));
  } else if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
    result.outcome = Unavailable("ingest script gave an unexpected reply");
  } else {
    result.outcome =
        IngestOutcome{ReplyText(reply->element[0]), ReplyText(reply->element[1]), ReplyText(reply->element[2])};
  }
  return result;
}

void RedisIngestStore::SendScript(AsyncRedis::Args args, bool retried, IngestCallback done) {
  // After NOSCRIPT (Redis restarted or failed over and forgot the script) nothing ran, so sending the script
  // itself (EVAL, which also caches it again) cannot apply the event twice.
  auto retry_with_eval = [this, args](IngestCallback then) {
    auto eval = std::make_shared<std::vector<std::string>>(*args);
    (*eval)[0] = "EVAL";
    (*eval)[1] = kIngestScript;
    SendScript(std::move(eval), true, std::move(then));
  };
  if (min_replicas_ack_ == 0) {
    redis_.Submit(
        args, [retried, retry_with_eval, done = std::move(done)](const redisReply* reply, const Error* error) mutable {
          ScriptResult result = ReadScriptReply(reply, error);
          if (result.noscript && !retried) return retry_with_eval(std::move(done));
          done(std::move(result.outcome));
        });
    return;
  }
  // WAIT counts the replicas that acknowledged this connection's writes, so it must follow the script on the
  // same connection: on a fresh one it would answer at once. Duplicates wait too: the original may sit on a
  // primary that a failover is about to discard, and WAIT covers every earlier write.
  auto result = std::make_shared<ScriptResult>();
  const int wanted = min_replicas_ack_;
  AsyncRedis::Args wait = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"WAIT", std::to_string(wanted), "1000"});
  redis_.SubmitTogether(
      {{args, [result](const redisReply* reply, const Error* error) { *result = ReadScriptReply(reply, error); }},
       {wait, [result, wanted, retried, retry_with_eval, done = std::move(done)](const redisReply* reply,
                                                                                 const Error* error) mutable {
          if (result->noscript && !retried) return retry_with_eval(std::move(done));
          if (!result->outcome) return done(std::move(result->outcome));
          if (error != nullptr || reply->type != REDIS_REPLY_INTEGER || reply->integer < wanted) {
            // Recorded on the primary but not yet on enough replicas: 503 makes the sender retry; the retry is a
            // duplicate answered only once replicas have the original, or a new event on a new primary.
            return done(Unavailable("the event is not yet on " + std::to_string(wanted) + " replica(s)"));
          }
          done(std::move(result->outcome));
        }}});
}

void RedisIngestStore::Requeue(const std::string& dedupe_id, const std::string& event_id, const std::string& event_json,
                               std::function<void(Result<void>)> done) {
  const int shard = keys::ShardOf(dedupe_id);
  redis_.Submit({"XADD", keys::Events(shard), "*", "event_id", event_id, "event", event_json, "replay", "1"},
                [done = std::move(done)](const redisReply* reply, const Error* error) {
                  if (error != nullptr) return done(Unavailable(error->message));
                  if (reply->type != REDIS_REPLY_STRING) return done(Unavailable("XADD failed: " + ReplyText(reply)));
                  done(Result<void>());
                });
}

void RedisIngestStore::CaptureRejected(CaptureRecord capture, CaptureCallback done) {
  BoundRejectedCapture(capture);
  std::vector<std::string> command = {
      "XADD",    keys::RejectedCaptures(), "MAXLEN", "=", std::to_string(limits_.RejectedMaxEntries()), "*", "verdict",
      "rejected"};
  AppendCaptureFields(std::move(capture), command);
  redis_.Submit(std::move(command), [done = std::move(done)](const redisReply* reply, const Error* error) {
    if (error != nullptr) return done(Unavailable(error->message));
    if (reply->type != REDIS_REPLY_STRING) return done(Unavailable("XADD failed: " + ReplyText(reply)));
    done(std::string(keys::kRejectedEventIdPrefix) + ReplyText(reply));
  });
}

}  // namespace refundsync
