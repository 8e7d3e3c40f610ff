// The HTTP server: Pistache's listener and threads, our per-thread transport (loop_transport.h) and HTTP/1.1
// handler (http_handler.h), serving plain HttpRequest/HttpResponse to one handler function.
//
// HTTP/1.1 keep-alive is the default (contract section 5); "Connection: close" (or HTTP/1.0 without keep-alive)
// closes after the answer. Bodies are capped a little above limits.max_body_bytes so that the routes see an
// oversized body and answer 413 themselves; beyond that the server answers 413 and closes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "core/thread_loop.h"
#include "ingress/http_message.h"

namespace Pistache::Tcp {
class Listener;
}

namespace refundsync {

// Answers a request, from any thread, exactly once.
using Respond = std::function<void(HttpResponse)>;
// Handlers get the request and a way to answer later (e.g. from the Redis loop thread), so Pistache's few
// threads never wait for I/O.
using AsyncRequestHandler = std::function<void(HttpRequest request, Respond respond)>;
// For handlers that answer at once.
using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

// Requests stalled past these are answered 408 and closed; connections idle past them are closed. Pistache's
// defaults (Http::Endpoint::Options).
struct PeerTimeouts {
  std::chrono::milliseconds header{60'000};      // from a request's first byte to the end of its headers
  std::chrono::milliseconds body{60'000};        // then, to the end of its body
  std::chrono::milliseconds keepalive{300'000};  // an open connection between requests
};

// Open connections (http.max_connections, http.max_connections_per_client). Over the total, a new connection
// takes the place of the connection idle the longest on its thread (or is closed at once when none is idle), so
// a flood of idle connections cannot keep webhooks and probes out. Over the per-client cap (0: off; behind a load
// balancer every sender has its address) the new connection is closed at once.
struct ConnectionLimits {
  int max = 10'000;
  int max_per_client = 0;
};

// The connections of one server, across its threads.
struct ConnectionBook {
  std::atomic<int> open{0};
  std::mutex mutex;  // per_client only
  std::unordered_map<std::string, int> per_client;
};

// What the descriptor limit allows: `wanted`, but never so many that accepting another would fail with EMFILE
// (Pistache's listener then retries the same accept in a busy loop). A quarter of the limit, at most 1 024
// descriptors, stays for Redis, upstream calls and files.
int ConnectionsTheDescriptorLimitAllows(int wanted);
// Raises the soft descriptor limit to the hard one (start-up); returns the soft limit now in force.
long RaiseDescriptorLimit();

struct HttpServerOptions {
  int threads = 2;
  ConnectionLimits connections;
  std::size_t max_body_bytes = 1 << 20;
  // Components that run on each server thread (e.g. AsyncRedis::ThreadLoopClients(): a Redis connection per
  // thread, so handlers get their replies on their own thread).
  std::vector<ThreadLoopClientFactory> thread_clients;
  PeerTimeouts timeouts;
};

class HttpServer {
 public:
  HttpServer(HostPort listen, AsyncRequestHandler handler, HttpServerOptions options);
  HttpServer(HostPort listen, RequestHandler handler, HttpServerOptions options);
  ~HttpServer();

  // Binds and starts serving on Pistache's own threads. Fails when the address cannot be bound.
  Result<void> Start();
  // Closes the listener and the connections. Requests still running lose their answer, so call WaitIdle() first.
  void Stop();
  // Waits until no request is being handled, up to `timeout`; true when idle.
  bool WaitIdle(std::chrono::milliseconds timeout) const;

  int in_flight() const { return in_flight_->load(); }

 private:
  HostPort listen_;
  AsyncRequestHandler handler_;
  HttpServerOptions options_;
  std::shared_ptr<std::atomic<int>> in_flight_;
  std::unique_ptr<Pistache::Tcp::Listener> listener_;
  bool started_ = false;
};

}  // namespace refundsync
