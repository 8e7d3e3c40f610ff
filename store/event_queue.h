// The consumer side of the shard streams the ingress writes (store/ingest.lua is the producer side).
//
// Threading: one thread at a time (it belongs to a StoreSession). Errors are store_unavailable.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/result.h"

namespace refundsync {

// One queued webhook event, as a stream entry of one shard.
struct QueuedEvent {
  std::string stream;    // the shard stream it is in
  std::string entry_id;  // unique within its stream only; starts with the milliseconds it was queued at
  std::string event_id;  // the same on every redelivery and replay
  std::string event_json;
};

// Consumers of one group share the streams: each entry goes to one consumer, which acknowledges it once handled;
// an entry whose consumer died is taken over by another after an idle time.
class EventQueue {
 public:
  virtual ~EventQueue() = default;
  // Shards are numbered 0 .. shard_count() - 1.
  virtual int shard_count() const = 0;
  // Creates the consumer group on every shard (idempotent).
  virtual Result<void> EnsureGroups() = 0;
  // New entries for `consumer`: at most `per_stream` of each shard, waiting up to `block` for one.
  virtual Result<std::vector<QueuedEvent>> Read(const std::string& consumer, int per_stream,
                                                std::chrono::milliseconds block) = 0;
  // Entries of shard `shard` idle for `idle` or longer, at most `count`, taken over by `consumer`.
  virtual Result<std::vector<QueuedEvent>> Claim(int shard, const std::string& consumer, Duration idle, int count) = 0;
  // Restarts the idle time of entries `consumer` holds, so nobody takes over an entry it is still handling.
  virtual Result<void> KeepHeld(const std::string& consumer, const std::vector<QueuedEvent>& held) = 0;
  // Handled: removed from the queue for good.
  virtual Result<void> Ack(const QueuedEvent& event) = 0;
};

}  // namespace refundsync
