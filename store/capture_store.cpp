#include "store/capture_store.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "store/key_layout.h"

namespace refundsync {
namespace {

std::string Text(const redisReply* reply) { return reply && reply->str ? std::string(reply->str, reply->len) : ""; }

StoredCapture FromEntry(const std::string& prefix, const redisReply* entry) {
  StoredCapture capture;
  capture.id = prefix + Text(entry->element[0]);
  const redisReply* fields = entry->element[1];
  for (std::size_t i = 0; i + 1 < fields->elements; i += 2) capture.fields[Text(fields->element[i])] = Text(fields->element[i + 1]);
  return capture;
}

std::int64_t StreamMs(const std::string& event_id) {
  // "<prefix>-<ms>-<seq>"
  const auto first = event_id.find('-');
  const auto second = event_id.find('-', first + 1);
  try {
    return std::stoll(event_id.substr(first + 1, second - first - 1));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::string CaptureJson(const StoredCapture& capture) {
  auto field = [&capture](const char* name) {
    auto it = capture.fields.find(name);
    return it == capture.fields.end() ? std::string() : it->second;
  };
  JsonWriter json;
  json.BeginObject();
  json.Key("id").String(capture.id);
  std::int64_t received = 0;
  try {
    received = std::stoll(field("received_at"));
  } catch (const std::exception&) {
  }
  json.Key("received_at").String(FormatRfc3339Ms(received));
  json.Key("source").String(field("source")).Key("account").String(field("account"));
  json.Key("method").String(field("method")).Key("path").String(field("path")).Key("query").String(field("query"));
  const std::string headers = field("headers");
  json.Key("headers").Raw(headers.empty() ? "{}" : headers);
  json.Key("body_b64").String(Base64Encode(field("body")));
  json.Key("verdict").String(field("verdict")).Key("reason").String(field("reason"));
  if (!field("original_event_id").empty()) json.Key("original_event_id").String(field("original_event_id"));
  if (field("redacted") == "1") json.Key("redacted").Bool(true);
  json.EndObject();
  return json.Take();
}

Result<std::optional<StoredCapture>> CaptureStore::Get(const std::string& event_id) {
  const auto dash = event_id.find('-');
  if (dash == std::string::npos) return std::optional<StoredCapture>();
  const std::string prefix = event_id.substr(0, dash + 1);
  const std::string stream_id = event_id.substr(dash + 1);
  std::string key;
  if (prefix == std::string(keys::kRejectedEventIdPrefix)) {
    key = keys::RejectedCaptures();
  } else {
    int shard = -1;
    for (int s = 0; s < keys::kShardCount; ++s) {
      if (prefix == keys::EventIdPrefix(s)) shard = s;
    }
    if (shard < 0) return std::optional<StoredCapture>();
    key = keys::Captures(shard);
  }
  auto reply = redis_.Command({"XRANGE", key, stream_id, stream_id});
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_ARRAY || (*reply)->elements != 1) return std::optional<StoredCapture>();
  return std::optional<StoredCapture>(FromEntry(prefix, (*reply)->element[0]));
}

Result<CapturePage> CaptureStore::List(const CaptureFilter& filter, int limit, const std::optional<std::string>& cursor) {
  std::vector<std::pair<std::string, std::string>> streams;  // key, id prefix
  for (int s = 0; s < keys::kShardCount; ++s) streams.emplace_back(keys::Captures(s), keys::EventIdPrefix(s));
  streams.emplace_back(keys::RejectedCaptures(), std::string(keys::kRejectedEventIdPrefix));
  // Entries are ordered by stream time; the page holds the newest `limit` matches below the cursor's time.
  std::string end = cursor ? "(" + *cursor : "+";
  std::vector<StoredCapture> candidates;
  const int fetch = std::max(limit * 4, 100);
  for (const auto& [key, prefix] : streams) {
    auto reply = redis_.Command({"XREVRANGE", key, end, "-", "COUNT", std::to_string(fetch)});
    if (!reply) return reply.error();
    if ((*reply)->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t i = 0; i < (*reply)->elements; ++i) {
      StoredCapture capture = FromEntry(prefix, (*reply)->element[i]);
      const auto& f = capture.fields;
      auto get = [&f](const char* name) { auto it = f.find(name); return it == f.end() ? std::string() : it->second; };
      if (filter.source && get("source") != *filter.source) continue;
      if (filter.verdict && get("verdict") != *filter.verdict) continue;
      if (filter.since_ms && StreamMs(capture.id) < *filter.since_ms) continue;
      candidates.push_back(std::move(capture));
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const StoredCapture& a, const StoredCapture& b) {
    const auto ta = StreamMs(a.id), tb = StreamMs(b.id);
    return ta != tb ? ta > tb : a.id > b.id;
  });
  CapturePage page;
  std::size_t taken = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(limit));
  // The next page starts strictly below the last item's millisecond, so the rest of that millisecond joins
  // this page (a page may run a little over the limit; nothing is skipped or repeated).
  while (taken > 0 && taken < candidates.size() && StreamMs(candidates[taken].id) == StreamMs(candidates[taken - 1].id)) {
    ++taken;
  }
  for (std::size_t i = 0; i < taken; ++i) page.items.push_back(CaptureJson(candidates[i]));
  if (taken < candidates.size()) page.next_cursor = std::to_string(StreamMs(candidates[taken - 1].id));
  return page;
}

}  // namespace refundsync
