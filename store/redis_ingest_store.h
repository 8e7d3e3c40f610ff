// IngestStore on Redis: one Lua script (called by SHA, loaded again on NOSCRIPT after a Redis restart) claims the
// dedupe key, appends the capture and appends the event to its shard's stream atomically. See key_layout.h.
#pragma once

#include <array>
#include <atomic>

#include "core/clock.h"
#include "core/config.h"
#include "store/async_redis.h"
#include "store/ingest_store.h"
#include "store/key_layout.h"

namespace refundsync {

// captures.max_entries, .max_age and .max_bytes. A tenth of each cap goes to rejected requests (contract section 3);
// the rest is shared evenly by the shards' capture streams.
struct CaptureLimits {
  std::int64_t max_entries = 100'000;
  Duration max_age = std::chrono::hours(24 * 7);
  std::int64_t max_bytes = std::int64_t{256} << 20;

  std::int64_t ShardMaxEntries() const;
  std::int64_t ShardMaxBytes() const;
  // Rejected captures are at most kRejectedCaptureMaxBytes each (BoundRejectedCapture), so an entry cap bounds
  // their bytes; the stream is trimmed exactly (MAXLEN =).
  std::int64_t RejectedMaxEntries() const;
};

// What a rejected request's capture keeps: the first kRejectedBodyPrefixBytes of its body (with the body's size
// in `body_size`), header names and values up to their limits while the headers' JSON fits kRejectedHeadersBytes,
// path, query and reason up to kRejectedTextBytes each. An unauthenticated sender cannot make one take more than
// kRejectedCaptureMaxBytes (4 KiB + 8 KiB + 3 KiB + the small fields).
inline constexpr std::size_t kRejectedBodyPrefixBytes = 4096;
inline constexpr std::size_t kRejectedHeaderValueBytes = 256;
inline constexpr std::size_t kRejectedHeaderNameBytes = 64;
inline constexpr std::size_t kRejectedHeadersBytes = 8192;
inline constexpr std::size_t kRejectedTextBytes = 1024;
inline constexpr std::int64_t kRejectedCaptureMaxBytes = 16 * 1024;
void BoundRejectedCapture(CaptureRecord& capture);

class RedisIngestStore : public IngestStore {
 public:
  RedisIngestStore(AsyncRedis& redis, const Clock& clock, Duration dedupe_window, CaptureLimits limits,
                   int min_replicas_ack);

  void Ingest(IngestRequest request, IngestCallback done) override;
  void CaptureRejected(CaptureRecord capture, CaptureCallback done) override;
  void Requeue(const std::string& dedupe_id, const std::string& event_id, const std::string& event_json,
               std::function<void(Result<void>)> done) override;

 private:
  struct ScriptResult {
    Result<IngestOutcome> outcome = MakeError("store_unavailable", "no reply yet");
    bool noscript = false;
  };
  static ScriptResult ReadScriptReply(const redisReply* reply, const Error* error);
  // The ingest script, and with min_replicas_ack its WAIT on the same connection; EVAL once after NOSCRIPT.
  void SendScript(AsyncRedis::Args args, bool retried, IngestCallback done);

  AsyncRedis& redis_;
  const Clock& clock_;
  Duration dedupe_window_;
  CaptureLimits limits_;
  int min_replicas_ack_;
  // When each shard's capture stream was last trimmed by age (the clock's ms); the trim runs at most this often.
  static constexpr std::int64_t kAgeTrimEveryMs = 1000;
  std::array<std::atomic<std::int64_t>, keys::kShardCount> last_age_trim_ms_{};
};

// Appends the capture as stream field/value pairs (shared by the ingest script and the rejected stream); the
// body and headers are moved, not copied.
void AppendCaptureFields(CaptureRecord&& capture, std::vector<std::string>& out);

// A capture's bytes as ingest.lua counts them: the lengths of its stream field names and values.
std::int64_t CaptureEntryBytes(const redisReply* fields);

}  // namespace refundsync
