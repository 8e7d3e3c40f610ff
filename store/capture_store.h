// Reading captures back (contract section 7): one request, or a page across every capture stream (the 8 shards
// and the rejected one), newest first, as the export format's JSON objects.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/redis_connection.h"

namespace refundsync {

struct CaptureFilter {
  std::optional<std::string> source;
  std::optional<std::string> verdict;
  std::optional<std::int64_t> since_ms;
  std::optional<std::string> account;
  std::optional<std::string> contains;  // a substring of the body or the path, e.g. an order or record id
};

struct CapturePage {
  std::vector<std::string> items;  // export-format JSON objects
  std::optional<std::string> next_cursor;
};

struct StoredCapture {
  std::string id;
  std::map<std::string, std::string> fields;  // as stored: received_at, source, account, method, path, ...

  // A stored field, or "" when the capture has none of that name.
  const std::string& Field(const std::string& name) const {
    static const std::string kEmpty;
    auto it = fields.find(name);
    return it == fields.end() ? kEmpty : it->second;
  }
};

class CaptureStore {
 public:
  explicit CaptureStore(RedisConnection& redis) : redis_(redis) {}

  Result<std::optional<StoredCapture>> Get(const std::string& event_id);
  // `cursor`: the stream time (ms) below which the next page starts. A page may be short (or empty) with a
  // cursor when a narrow filter needs more scanning than one request does.
  Result<CapturePage> List(const CaptureFilter& filter, int limit, const std::optional<std::string>& cursor);

 private:
  RedisConnection& redis_;
};

// {"id","received_at","source","account","method","path","query","headers","body_b64","verdict","reason"}
std::string CaptureJson(const StoredCapture& capture);

}  // namespace refundsync
