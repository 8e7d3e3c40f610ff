#include "store/capture_store.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "core/unit_number.h"
#include "store/key_layout.h"

namespace refundsync {
namespace {

StoredCapture FromEntry(const std::string& prefix, const redisReply* entry) {
  StoredCapture capture;
  capture.id = prefix + ReplyText(entry->element[0]);
  const redisReply* fields = entry->element[1];
  for (std::size_t i = 0; i + 1 < fields->elements; i += 2)
    capture.fields[ReplyText(fields->element[i])] = ReplyText(fields->element[i + 1]);
  return capture;
}

std::int64_t StreamMs(const std::string& event_id) {
  // "<prefix>-<ms>-<seq>"
  const auto first = event_id.find('-');
  const auto second = event_id.find('-', first + 1);
  if (first == std::string::npos) return 0;
  return ParseInt64(std::string_view(event_id).substr(first + 1, second - first - 1)).value_or(0);
}

// A filter matching rarely must not scan a whole retention window in one request: past this many entries read
// the page ends early, with a cursor to go on.
constexpr std::size_t kMaxScannedEntries = 20000;

}  // namespace

std::string CaptureJson(const StoredCapture& capture) {
  auto field = [&capture](const char* name) -> const std::string& { return capture.Field(name); };
  JsonWriter json;
  json.BeginObject();
  json.Key("id").String(capture.id);
  const std::int64_t received = ParseInt64(field("received_at")).value_or(0);
  json.Key("received_at").String(FormatRfc3339Ms(received));
  json.Key("source").String(field("source")).Key("account").String(field("account"));
  json.Key("method").String(field("method")).Key("path").String(field("path")).Key("query").String(field("query"));
  const std::string headers = field("headers");
  json.Key("headers").Raw(headers.empty() ? "{}" : headers);
  if (field("body_omitted") == "1") {
    json.Key("body_omitted").Bool(true);
  } else {
    json.Key("body_b64").String(Base64Encode(field("body")));
  }
  if (!field("body_size").empty()) {  // a rejected request's body is kept as a prefix: its whole size
    json.Key("body_size").Int(ParseInt64(field("body_size")).value_or(0));
  }
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

namespace {

bool IsAlphanumeric(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `needle` occurs in `text` as a whole token: not inside a longer number or word ("456" does not match "4567").
bool ContainsToken(const std::string& text, const std::string& needle) {
  if (needle.empty()) return true;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    const bool starts = at == 0 || !IsAlphanumeric(text[at - 1]) || !IsAlphanumeric(needle.front());
    const std::size_t end = at + needle.size();
    const bool ends = end == text.size() || !IsAlphanumeric(text[end]) || !IsAlphanumeric(needle.back());
    if (starts && ends) return true;
  }
  return false;
}

bool Matches(const CaptureFilter& filter, const StoredCapture& capture) {
  auto get = [&capture](const char* name) -> const std::string& { return capture.Field(name); };
  if (filter.source && get("source") != *filter.source) return false;
  if (filter.verdict && get("verdict") != *filter.verdict) return false;
  if (filter.account && get("account") != *filter.account) return false;
  if (filter.since_ms && StreamMs(capture.id) < *filter.since_ms) return false;
  if (filter.contains && !ContainsToken(get("body"), *filter.contains) &&
      !ContainsToken(get("path"), *filter.contains)) {
    return false;
  }
  return true;
}

}  // namespace

Result<CapturePage> CaptureStore::List(const CaptureFilter& filter, int limit,
                                       const std::optional<std::string>& cursor) {
  std::vector<std::pair<std::string, std::string>> streams;  // key, id prefix
  for (int s = 0; s < keys::kShardCount; ++s) streams.emplace_back(keys::Captures(s), keys::EventIdPrefix(s));
  streams.emplace_back(keys::RejectedCaptures(), std::string(keys::kRejectedEventIdPrefix));
  // The cursor is a millisecond: the page holds entries strictly older. An incomplete ID as the upper end of
  // XREVRANGE means "that millisecond, every sequence number", so the bound is the millisecond before.
  std::int64_t below_ms = std::numeric_limits<std::int64_t>::max();
  if (cursor) {
    below_ms = ParseInt64(*cursor).value_or(0);
    if (below_ms <= 0) return Error{"bad_request", "cursor is not a page cursor: " + *cursor};
  }
  std::vector<StoredCapture> matches;
  const int fetch = std::clamp(limit, 20, kListReadPerStream);
  // A matching capture keeps its body only when a list item may show it.
  std::size_t matched_bytes = 0;  // roughly what the matches take as list items
  const auto keep = [&matches, &matched_bytes](StoredCapture&& capture) {
    auto body = capture.fields.find("body");
    if (body != capture.fields.end() && body->second.size() > kListBodyMaxBytes) {
      body->second.clear();
      body->second.shrink_to_fit();
      capture.fields["body_omitted"] = "1";
    }
    for (const auto& [name, value] : capture.fields) matched_bytes += name.size() + value.size() * 4 / 3;
    matches.push_back(std::move(capture));
  };
  bool exhausted = false;
  // Streams are read newest first in rounds of `fetch` entries each. A round is complete above its horizon
  // (the newest "oldest entry read" of a stream that had more); a narrow filter may need several rounds.
  std::size_t scanned = 0;
  while (!exhausted && scanned < kMaxScannedEntries) {
    const std::string upper = below_ms == std::numeric_limits<std::int64_t>::max() ? "+" : std::to_string(below_ms - 1);
    std::vector<StoredCapture> read;
    std::optional<std::int64_t> horizon;
    for (const auto& [key, prefix] : streams) {
      auto reply = redis_.Command({"XREVRANGE", key, upper, "-", "COUNT", std::to_string(fetch)});
      if (!reply) return reply.error();
      if ((*reply)->type != REDIS_REPLY_ARRAY) continue;
      for (std::size_t i = 0; i < (*reply)->elements; ++i) read.push_back(FromEntry(prefix, (*reply)->element[i]));
      scanned += (*reply)->elements;
      if ((*reply)->elements == static_cast<std::size_t>(fetch)) {
        const std::int64_t oldest = StreamMs(read.back().id);
        horizon = horizon ? std::max(*horizon, oldest) : oldest;
      }
    }
    exhausted = !horizon.has_value();
    if (horizon && *horizon >= below_ms - 1) {
      // A whole round fell inside one millisecond (a flood of rejected requests can do that): read that
      // millisecond completely, so the scan always moves on.
      const std::string ms = std::to_string(*horizon);
      for (const auto& [key, prefix] : streams) {
        auto reply = redis_.Command({"XREVRANGE", key, ms, ms});
        if (!reply) return reply.error();
        if ((*reply)->type != REDIS_REPLY_ARRAY) continue;
        scanned += (*reply)->elements;
        for (std::size_t i = 0; i < (*reply)->elements; ++i) {
          StoredCapture capture = FromEntry(prefix, (*reply)->element[i]);
          if (Matches(filter, capture)) keep(std::move(capture));
        }
      }
      below_ms = *horizon;  // the next round starts below it
      read.clear();         // what this round read is that millisecond (now complete) or older (next round)
    }
    for (auto& capture : read) {
      // At or below the horizon some stream was not read completely: those entries come in the next round.
      if (horizon && StreamMs(capture.id) <= *horizon) continue;
      if (Matches(filter, capture)) keep(std::move(capture));
    }
    if (horizon) below_ms = std::min(below_ms, *horizon + 1);
    if (matches.size() >= static_cast<std::size_t>(limit) || matched_bytes >= kMaxPageBytes) break;
    if (filter.since_ms && below_ms <= *filter.since_ms) exhausted = true;
  }
  std::sort(matches.begin(), matches.end(), [](const StoredCapture& a, const StoredCapture& b) {
    const auto ta = StreamMs(a.id), tb = StreamMs(b.id);
    return ta != tb ? ta > tb : a.id > b.id;
  });
  CapturePage page;
  std::size_t taken = 0;
  std::size_t bytes = 0;
  while (taken < matches.size() && taken < static_cast<std::size_t>(limit) && (taken == 0 || bytes < kMaxPageBytes)) {
    page.items.push_back(CaptureJson(matches[taken]));
    bytes += page.items.back().size();
    ++taken;
  }
  // The next page starts strictly below the last item's millisecond, so the rest of that millisecond joins
  // this page (a page may run a little over its limits; nothing is skipped or repeated).
  while (taken > 0 && taken < matches.size() && StreamMs(matches[taken].id) == StreamMs(matches[taken - 1].id)) {
    page.items.push_back(CaptureJson(matches[taken]));
    ++taken;
  }
  if (taken < matches.size()) {
    page.next_cursor = std::to_string(StreamMs(matches[taken - 1].id));
  } else if (!exhausted) {
    page.next_cursor = std::to_string(below_ms);  // the scan stopped early: go on below where it stopped
  }
  return page;
}

}  // namespace refundsync
