#include "store/redis_gauges.h"

#include <string>

#include "core/transaction.h"
#include "store/key_layout.h"

namespace refundsync {

RedisGauges::RedisGauges(RedisLocator locator, MetricsRegistry& metrics, const Clock& clock, Duration every)
    : locator_(std::move(locator)), metrics_(metrics), clock_(clock), every_(every) {}

bool RedisGauges::SampleNow() {
  if (!connection_ || connection_->broken()) {
    auto connected = locator_.ConnectToMaster(std::chrono::seconds(1));
    connection_ = connected ? std::move(*connected) : nullptr;
  }
  if (!connection_) return false;
  std::vector<std::vector<std::string>> commands;
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    commands.push_back({"XLEN", keys::Events(shard)});
    commands.push_back({"XRANGE", keys::Events(shard), "-", "+", "COUNT", "1"});
  }
  const TxStatus statuses[] = {TxStatus::kImported, TxStatus::kPosted, TxStatus::kFailed, TxStatus::kSkipped};
  for (TxStatus status : statuses) commands.push_back({"ZCARD", keys::TransactionsByStatus(TxStatusName(status))});
  auto replies = connection_->Pipeline(commands);
  if (!replies) return false;
  const std::int64_t now_ms = clock_.NowMs();
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    const redisReply* depth = (*replies)[2 * shard].get();
    const redisReply* oldest = (*replies)[2 * shard + 1].get();
    const Labels labels = {{"shard", std::to_string(shard)}};
    metrics_.GaugeFor("refundsync_queue_depth", "Events waiting or being handled, by shard stream", labels)
        .Set(depth->type == REDIS_REPLY_INTEGER ? depth->integer : 0);
    std::int64_t age_seconds = 0;
    if (oldest->type == REDIS_REPLY_ARRAY && oldest->elements == 1 && oldest->element[0]->type == REDIS_REPLY_ARRAY &&
        oldest->element[0]->elements >= 1 && oldest->element[0]->element[0]->str != nullptr) {
      // A stream entry id is "<ms>-<seq>": the time Redis added it.
      const std::int64_t added_ms = std::strtoll(oldest->element[0]->element[0]->str, nullptr, 10);
      if (added_ms > 0 && now_ms > added_ms) age_seconds = (now_ms - added_ms) / 1000;
    }
    metrics_.GaugeFor("refundsync_queue_oldest_seconds", "Age of the oldest event waiting or being handled", labels)
        .Set(age_seconds);
  }
  for (std::size_t i = 0; i < std::size(statuses); ++i) {
    const redisReply* count = (*replies)[2 * keys::kShardCount + i].get();
    metrics_
        .GaugeFor("refundsync_transactions", "Transactions by status",
                  {{"status", std::string(TxStatusName(statuses[i]))}})
        .Set(count->type == REDIS_REPLY_INTEGER ? count->integer : 0);
  }
  return true;
}

}  // namespace refundsync
