// The captures role (contract section 7): one captured request by id, or a page across every capture stream,
// newest first, as the export format's JSON objects. store/capture_store.h reads them from Redis.
//
// Threading: one thread at a time, like the other store roles. Errors are store_unavailable, or bad_request for a
// malformed cursor.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

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

// A page of the list ends at `limit` items or at kMaxPageBytes of items, whichever comes first (plus the rest of
// the last item's millisecond, so that the millisecond cursor skips nothing). Bodies over kListBodyMaxBytes are
// left out of list items ("body_omitted": true); GET /api/events/{id} gives them whole, one at a time.
inline constexpr std::size_t kMaxPageBytes = 1 << 20;
inline constexpr std::size_t kListBodyMaxBytes = 16 * 1024;
// Entries read per capture stream per round of a list scan: what one request holds in memory at most is this
// many entries of each of the 9 streams.
inline constexpr int kListReadPerStream = 100;

class CaptureReader {
 public:
  virtual ~CaptureReader() = default;
  virtual Result<std::optional<StoredCapture>> Get(const std::string& event_id) = 0;
  // `cursor`: the stream time (ms) below which the next page starts. A page may be short (or empty) with a
  // cursor when a narrow filter needs more scanning than one request does.
  virtual Result<CapturePage> List(const CaptureFilter& filter, int limit,
                                   const std::optional<std::string>& cursor) = 0;
};

// {"id","received_at","source","account","method","path","query","headers","body_b64","verdict","reason"}, plus
// "body_size" when only a prefix of the body was kept (rejected requests), and "body_omitted": true instead of
// "body_b64" in a list item whose body is over kListBodyMaxBytes.
std::string CaptureJson(const StoredCapture& capture);

}  // namespace refundsync
