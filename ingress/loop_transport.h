// Pistache's per-thread TCP transport, extended to be a ThreadLoop for components given to the HTTP server
// (one Redis connection per thread): their sockets sit in the same epoll as the HTTP connections, so a webhook
// is read, recorded in Redis and answered on one thread, with no hand-off between threads.
//
// Pistache 0.0.5 specifics: its Transport throws on an fd it does not know, so ours are taken out of each round
// before the rest goes to it; answers queued in Pistache's write queue during a round (answers made on other
// threads, or the rest of one the socket could not take at once) are flushed at its end rather than after another
// epoll round. Its tick also lets the HTTP handler time out stalled and idle connections (http_handler.h).
// Client sockets are written by the HTTP handler itself, never through Pistache's write queue: write events of
// client sockets go to HttpHandler::OnWritable, and none reaches Pistache (which throws on one it has no data for).
// A client connection that only has input is read here, in one recv(): Pistache reads until EAGAIN, which costs
// a second recv() per request; a short read has emptied the socket (epoll is edge-triggered: more input is a
// new event). A full buffer, end of stream or an error go back to Pistache, which reads on and handles them.
#pragma once

#include <pistache/transport.h>

#include <array>
#include <chrono>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/thread_loop.h"
#include "ingress/http_handler.h"

namespace refundsync {

class LoopTransport : public Pistache::Tcp::Transport, public ThreadLoop {
 public:
  using Factories = std::shared_ptr<const std::vector<ThreadLoopClientFactory>>;

  LoopTransport(const std::shared_ptr<HttpHandler>& handler, Factories factories);
  ~LoopTransport() override;

  // Pistache clones the transport (and its handler) for each of its threads.
  std::shared_ptr<Pistache::Aio::Handler> clone() const override;
  void onReady(const Pistache::Aio::FdSet& fds) override;

  void WatchReadable(int fd, Readable* handler) override;
  void Unwatch(int fd) override;

 private:
  void StartOnThisThread();
  // Reads a client connection that has input (and only that) in one recv(); false when Pistache must read on.
  bool ReadClient(int fd);

  std::shared_ptr<HttpHandler> handler_;  // this thread's clone
  Factories factories_;
  std::chrono::steady_clock::time_point next_idle_check_{};
  // This thread's; created on its first round of events.
  std::vector<std::unique_ptr<ThreadLoopClient>> clients_;
  std::unordered_map<int, Readable*> watched_;
  int tick_fd_ = -1;
  bool started_ = false;
  bool stopping_ = false;  // in the destructor: the reactor may be gone, clients must not touch it
  // Reused across rounds: no allocation per round.
  std::vector<Pistache::Polling::Event> theirs_;
  std::vector<int> ours_;
  std::vector<int> client_reads_;
  std::vector<int> client_writes_;
  std::vector<int> internal_tags_;  // event tags of Pistache's own queues, as seen
  std::array<char, 16384> read_buffer_;
};

}  // namespace refundsync
