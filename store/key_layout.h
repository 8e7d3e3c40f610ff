// The Redis key layout, documented once.
//
// Every key starts with "rs:". The keys one script touches share a hash tag ({...}), so the layout is ready for
// Redis Cluster (hiredis 0.14 has no cluster client: layout only) and events spread over kShardCount shards,
// each with its own tag:
//
//   rs:{s<N>}:dedupe:<source>:<account>:<id>  STRING  event id of the first delivery; expires after dedupe.window
//   rs:{s<N>}:captures                        STREAM  byte-exact captures (verdict accepted|duplicate|ignored) of
//                                                     shard N; trimmed to captures.max_entries / kShardCount
//                                                     and captures.max_age
//   rs:{s<N>}:events                          STREAM  the work queue of shard N for the workers (never trimmed
//                                                     by the ingress: entries leave when handled)
//   rs:{rejected}:captures                    STREAM  captures of rejected requests (401, 413), under their own
//                                                     smaller cap so a flood cannot push out real captures
//
// N is FNV-1a of "<source>:<account>:<id>" modulo kShardCount. An event id (the `event_id` of a webhook
// response) is "<N>-<stream entry id>" for shard captures and "r-<stream entry id>" for rejected ones.
// Changing kShardCount re-shards dedupe keys: do it only with empty queues and an expired dedupe window.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace refundsync::keys {

constexpr int kShardCount = 8;

inline int ShardOf(std::string_view dedupe_key_id) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : dedupe_key_id) {
    hash ^= c;
    hash *= 16777619u;
  }
  return static_cast<int>(hash % kShardCount);
}

inline std::string ShardTag(int shard) { return "rs:{s" + std::to_string(shard) + "}:"; }
inline std::string Dedupe(int shard, std::string_view id) { return ShardTag(shard) + "dedupe:" + std::string(id); }
inline std::string Captures(int shard) { return ShardTag(shard) + "captures"; }
inline std::string Events(int shard) { return ShardTag(shard) + "events"; }
inline std::string RejectedCaptures() { return "rs:{rejected}:captures"; }

inline std::string EventIdPrefix(int shard) { return std::to_string(shard) + "-"; }
inline constexpr std::string_view kRejectedEventIdPrefix = "r-";

}  // namespace refundsync::keys
