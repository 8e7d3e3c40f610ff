// Where the ingress records what it received: captures, the dedupe claim and the work queue.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/result.h"

namespace refundsync {

// A request as received, byte-exact, for operators and replay.
struct CaptureRecord {
  std::int64_t received_at_ms = 0;
  std::string source;
  std::string account;
  std::string method;
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool body_redacted = false;   // deletion/redaction notices are kept without their personal data
  std::string reason;           // why ignored or rejected
  std::int64_t body_size = -1;  // when only a prefix of the body is kept (rejected requests): the whole body's size
};

struct IngestRequest {
  CaptureRecord capture;
  std::string dedupe_id;   // "<source>:<account>:<sender id>"
  std::string verdict;     // when new: "accepted" or "ignored"
  bool enqueue = false;    // accepted events go to the work queue
  std::string event_json;  // the queue entry's payload
};

struct IngestOutcome {
  std::string verdict;            // accepted | ignored | duplicate
  std::string event_id;           // this request's capture
  std::string original_event_id;  // for duplicates: the first delivery's capture
};

// Asynchronous: the callbacks run on the store's own thread, so a request thread never waits for Redis.
class IngestStore {
 public:
  using IngestCallback = std::function<void(Result<IngestOutcome>)>;
  using CaptureCallback = std::function<void(Result<std::string>)>;

  virtual ~IngestStore() = default;
  // Claims the dedupe key, captures and enqueues in one atomic step: either all of it happened or none.
  // Fails with "store_unavailable" when Redis cannot be reached (nothing recorded, the sender retries).
  virtual void Ingest(IngestRequest request, IngestCallback done) = 0;
  // Enqueues an event again, past the delivery dedupe (an operator's replay of a capture); the refund-level
  // idempotency still keeps a refund from being posted twice.
  virtual void Requeue(const std::string& dedupe_id, const std::string& event_id, const std::string& event_json,
                       std::function<void(Result<void>)> done) = 0;
  // Captures a rejected request under the rejected cap; `done` gets its event id.
  virtual void CaptureRejected(CaptureRecord capture, CaptureCallback done) = 0;
};

}  // namespace refundsync
