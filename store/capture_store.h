// The captures role (store/capture_reader.h) on Redis: the 8 shard streams and the rejected one, read with
// XREVRANGE and merged newest first.
#pragma once

#include "store/capture_reader.h"
#include "store/redis_connection.h"

namespace refundsync {

class CaptureStore : public CaptureReader {
 public:
  explicit CaptureStore(RedisConnection& redis) : redis_(redis) {}

  Result<std::optional<StoredCapture>> Get(const std::string& event_id) override;
  Result<CapturePage> List(const CaptureFilter& filter, int limit, const std::optional<std::string>& cursor) override;

 private:
  RedisConnection& redis_;
};

}  // namespace refundsync
