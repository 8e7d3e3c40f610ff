// IngestStore on Redis: one Lua script (called by SHA, loaded again on NOSCRIPT after a Redis restart) claims the
// dedupe key, appends the capture and appends the event to its shard's stream atomically. See key_layout.h.
#pragma once

#include "core/clock.h"
#include "core/config.h"
#include "store/ingest_store.h"
#include "store/redis_connection.h"
#include "store/redis_per_thread.h"

namespace refundsync {

struct CaptureLimits {
  std::int64_t max_entries = 100'000;
  Duration max_age = std::chrono::hours(24 * 7);
  std::int64_t rejected_max_entries = 10'000;
};

class RedisIngestStore : public IngestStore {
 public:
  RedisIngestStore(RedisPerThread& redis, const Clock& clock, Duration dedupe_window, CaptureLimits limits,
                   int min_replicas_ack);

  Result<IngestOutcome> Ingest(const IngestRequest& request) override;
  Result<std::string> CaptureRejected(const CaptureRecord& capture) override;

 private:
  Result<RedisReply> RunScript(RedisConnection& connection, const std::vector<std::string>& args);

  RedisPerThread& redis_;
  const Clock& clock_;
  Duration dedupe_window_;
  CaptureLimits limits_;
  int min_replicas_ack_;
};

// The capture as stream field/value pairs (shared by the ingest script and the rejected stream).
std::vector<std::string> CaptureFields(const CaptureRecord& capture);

}  // namespace refundsync
