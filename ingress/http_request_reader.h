// Reads HTTP/1.1 requests from one connection's bytes with http_parser (Debian's libhttp-parser, the parser
// Node.js used before llhttp): request line, headers, Content-Length or chunked bodies, keep-alive rules,
// pipelining. One request at a time: once a request is complete, the bytes after it wait until Next(), so
// answers leave in the order the requests came even when a client pipelines.
//
// Why not Pistache's own HTTP parser: it copies the input byte by byte into a buffer it grows and frees for
// every request, and lower-cases header names through the C locale; it was a fifth of the server's CPU per
// webhook (docs/performance.md). Pistache still runs the listener, the threads and the sockets.
#pragma once

#include <http_parser.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "ingress/http_message.h"

namespace refundsync {

class HttpRequestReader {
 public:
  enum class Status {
    kNeedMore,  // the current request is not complete yet
    kRequest,   // a request is complete: TakeRequest()
    kError,     // not HTTP, or over a limit: answer error_response() and close the connection
  };
  // Where the connection is, for the idle timeouts.
  enum class Phase {
    kIdle,      // no request started: waiting for one (keep-alive)
    kHeaders,   // a request started, its headers are not complete
    kBody,      // headers complete, the body is not
    kHandling,  // a complete request is being answered: no timeout applies
  };

  // `max_request_bytes` caps the body (the routes apply the contract's own limit and answer 413 themselves).
  explicit HttpRequestReader(std::size_t max_request_bytes);
  HttpRequestReader(const HttpRequestReader&) = delete;
  HttpRequestReader& operator=(const HttpRequestReader&) = delete;

  // Feeds bytes from the socket. While a request is being answered they are only kept.
  Status Feed(const char* data, std::size_t size);
  // After the answer to the last request has gone out: goes on with the bytes that followed it.
  Status Next();

  HttpRequest TakeRequest();
  // Of the last complete request: whether the connection stays open after its answer, whether it was a HEAD.
  bool keep_alive() const { return keep_alive_; }
  bool head() const { return head_; }
  // True once per HTTP/1.1 request that sent "Expect: 100-continue" and whose body has not begun to arrive (the
  // client waits for an interim 100 before sending it).
  bool TakeContinueWanted();
  const HttpResponse& error_response() const { return error_; }

  Phase phase() const { return phase_; }
  std::chrono::steady_clock::time_point phase_since() const { return phase_since_; }
  std::chrono::steady_clock::time_point request_started() const { return request_started_; }

 private:
  static int OnMessageBegin(http_parser* parser);
  static int OnUrl(http_parser* parser, const char* at, std::size_t size);
  static int OnHeaderField(http_parser* parser, const char* at, std::size_t size);
  static int OnHeaderValue(http_parser* parser, const char* at, std::size_t size);
  static int OnHeadersComplete(http_parser* parser);
  static int OnBody(http_parser* parser, const char* at, std::size_t size);
  static int OnMessageComplete(http_parser* parser);

  // `from_pending`: `data` is the unconsumed part of pending_.
  Status Parse(const char* data, std::size_t size, bool from_pending);
  void EndHeader();
  void SetPhase(Phase phase);
  Status Fail(int status, const std::string& code, const std::string& message);

  http_parser parser_{};
  std::size_t max_request_bytes_;
  HttpRequest request_;
  std::string url_;
  std::string header_name_;
  std::string header_value_;
  bool in_value_ = false;
  bool headers_done_ = false;  // what follows are a chunked body's trailers
  bool keep_alive_ = true;
  bool head_ = false;
  bool continue_wanted_ = false;
  bool too_large_ = false;
  bool pipelined_too_much_ = false;
  // Bytes received after a complete request, parsed once it has been answered; those before the offset are done.
  std::string pending_;
  std::size_t pending_offset_ = 0;
  HttpResponse error_;
  Phase phase_ = Phase::kIdle;
  std::chrono::steady_clock::time_point phase_since_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point request_started_ = phase_since_;
};

}  // namespace refundsync
