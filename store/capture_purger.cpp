#include "store/capture_purger.h"

#include "core/log.h"
#include "store/key_layout.h"
#include "store/redis_ingest_store.h"

namespace refundsync {
namespace {

constexpr int kBatch = 500;

// KEYS[1] a capture stream, KEYS[2] its byte count (ingest.lua) or none (the rejected stream); ARGV: id, bytes,
// id, bytes, ... Deletes the entries and subtracts the bytes of those it deleted (the ingest script may have
// trimmed some meanwhile). Returns how many it deleted.
constexpr const char* kDeleteCapturesScript = R"lua(
local deleted, bytes = 0, 0
for i = 1, #ARGV, 2 do
  if redis.call('XDEL', KEYS[1], ARGV[i]) == 1 then
    deleted = deleted + 1
    bytes = bytes + tonumber(ARGV[i + 1])
  end
end
if KEYS[2] and bytes > 0 then redis.call('DECRBY', KEYS[2], bytes) end
return deleted
)lua";

bool Matches(const redisReply* fields, const PurgeRequest& request) {
  std::string source, account, body, headers;
  for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
    const std::string name = ReplyText(fields->element[i]);
    if (name == "source") source = ReplyText(fields->element[i + 1]);
    if (name == "account") account = ReplyText(fields->element[i + 1]);
    if (name == "body") body = ReplyText(fields->element[i + 1]);
    if (name == "headers") headers = ReplyText(fields->element[i + 1]);
  }
  if (source != request.source) return false;
  if (request.account && account != *request.account) return false;
  if (request.whole_account) return true;
  for (const auto& subject : request.subjects) {
    if (subject.size() >= 3 &&
        (body.find(subject) != std::string::npos || headers.find(subject) != std::string::npos)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::int64_t> PurgeCaptures(RedisConnection& redis, const PurgeRequest& request) {
  std::vector<std::pair<std::string, std::string>> streams;  // stream, its byte count
  for (int shard = 0; shard < keys::kShardCount; ++shard) {
    streams.emplace_back(keys::Captures(shard), keys::CaptureBytes(shard));
  }
  streams.emplace_back(keys::RejectedCaptures(), "");
  std::int64_t deleted = 0;
  for (const auto& [stream, byte_count] : streams) {
    std::string start = "-";
    while (true) {
      auto page = redis.Command({"XRANGE", stream, start, "+", "COUNT", std::to_string(kBatch)});
      if (!page) return page.error();
      const redisReply* entries = page->get();
      if (entries->type != REDIS_REPLY_ARRAY || entries->elements == 0) break;
      std::vector<std::string> doomed = {"EVAL", kDeleteCapturesScript, byte_count.empty() ? "1" : "2", stream};
      if (!byte_count.empty()) doomed.push_back(byte_count);
      const std::size_t header = doomed.size();
      for (std::size_t i = 0; i < entries->elements; ++i) {
        const redisReply* fields = entries->element[i]->element[1];
        if (!Matches(fields, request)) continue;
        doomed.push_back(ReplyText(entries->element[i]->element[0]));
        doomed.push_back(std::to_string(CaptureEntryBytes(fields)));
      }
      if (doomed.size() > header) {
        auto removed = redis.Command(doomed);
        if (!removed) return removed.error();
        deleted += (*removed)->integer;
      }
      if (entries->elements < static_cast<std::size_t>(kBatch)) break;
      start = "(" + ReplyText(entries->element[entries->elements - 1]->element[0]);  // exclusive: after the last one
    }
  }
  return deleted;
}

PrivacyPurgeRunner::PrivacyPurgeRunner(RedisLocator locator) : locator_(std::move(locator)) {
  thread_ = std::thread([this] { Run(); });
}

PrivacyPurgeRunner::~PrivacyPurgeRunner() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PrivacyPurgeRunner::Submit(PurgeRequest request) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(request));
  }
  wake_.notify_all();
}

void PrivacyPurgeRunner::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    PurgeRequest request = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    auto connection = locator_.ConnectToMaster(std::chrono::seconds(2));
    auto deleted = connection ? PurgeCaptures(**connection, request) : Result<std::int64_t>(connection.error());
    if (deleted) {
      log::Info("privacy_purge_done", {{"source", request.source},
                                       {"account", request.account.value_or("*")},
                                       {"captures_deleted", static_cast<long long>(*deleted)}});
    } else {
      log::Error("privacy_purge_failed", {{"source", request.source},
                                          {"reason", deleted.error().message},
                                          {"effect", "the queued event lets the worker purge again"}});
    }
    lock.lock();
  }
}

}  // namespace refundsync
