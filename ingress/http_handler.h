// HTTP/1.1 on Pistache's TCP layer: Pistache accepts connections, runs the threads and reads the sockets; this
// handler (one clone per Pistache thread) reads requests with HttpRequestReader, hands them to the
// AsyncRequestHandler and writes the answers.
//
// An answer made on the connection's own thread (the usual case: the webhook's Redis reply arrives on that
// thread, see loop_transport.h) is written straight to the socket; one made on another thread is posted to the
// connection's thread (thread_mailbox.h) and written there. What the socket cannot take at once waits in the
// connection until the transport reports the socket writable (OnWritable). Pistache's own write queue is never
// used: in 0.0.5 it throws out of the event loop ("could not find write data") when a client resets a connection
// with an answer queued, which ended the process. One request per connection is handled at a time, so answers
// keep the order of pipelined requests, and a client that does not read holds at most one answer.
//
// Closing after an answer shuts the socket for writing only: the client reads the answer and then the end,
// even while it is still sending (a 413 before the body); Pistache closes the socket when the client does, or
// we shut it down entirely after a linger.
#pragma once

#include <pistache/tcp.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ingress/http_request_reader.h"
#include "ingress/http_server.h"
#include "ingress/thread_mailbox.h"

namespace refundsync {

class HttpHandler : public Pistache::Tcp::Handler {
 public:
  HttpHandler(AsyncRequestHandler handler, std::shared_ptr<std::atomic<int>> in_flight, std::size_t max_request_bytes,
              PeerTimeouts timeouts, ConnectionLimits limits, std::shared_ptr<ConnectionBook> book);
  ~HttpHandler() override;

  std::shared_ptr<Pistache::Tcp::Handler> clone() const override;
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, std::size_t size, const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  // On this handler's thread, now and then: a request stalled past the header or body timeout is answered 408
  // and its connection closed; a connection idle past the keep-alive timeout, or whose client has not read its
  // answer for as long, is closed; a closing one is shut down entirely after a linger.
  void CloseStalled(std::chrono::steady_clock::time_point now);

  // Answers made on other threads come through here; the transport watches it.
  ThreadMailbox& mailbox() { return *mailbox_; }

  // The transport's way to watch a client socket for writability (on: an answer waits; off: all sent).
  using WantWritable = std::function<void(int fd, bool wanted)>;
  void SetWantWritable(WantWritable want_writable) { want_writable_ = std::move(want_writable); }
  // On this handler's thread: the client socket can take more of the answer waiting for it.
  void OnWritable(int fd);
  // Sockets shut down both ways (aborted) more than a linger ago that Pistache has not closed yet: their end of
  // stream is waiting to be read.
  std::vector<int> ShutDownButOpen() const;

 private:
  struct Connection;
  struct Answer;

  void Advance(const std::shared_ptr<Connection>& connection, HttpRequestReader::Status status);
  void Dispatch(const std::shared_ptr<Connection>& connection);
  void Write(const std::shared_ptr<Connection>& connection, std::string bytes);
  void SendUnsent(const std::shared_ptr<Connection>& connection);
  void AfterAnswer(const std::shared_ptr<Connection>& connection);
  // After an answer: no more writes, reads are discarded until the client closes (or the linger ends).
  static void Close(Connection& connection);
  // At once, both ways: the client is gone or stuck.
  static void Abort(Connection& connection);
  // Counts a new connection; over a limit (ConnectionLimits) closes it, or the longest-idle one in its place.
  void Admit(const std::shared_ptr<Connection>& connection);

  AsyncRequestHandler handler_;
  std::shared_ptr<std::atomic<int>> in_flight_;
  std::size_t max_request_bytes_;
  PeerTimeouts timeouts_;
  ConnectionLimits limits_;
  std::shared_ptr<ConnectionBook> book_;  // shared by the clones: the server's connections on every thread
  std::shared_ptr<ThreadMailbox> mailbox_ = std::make_shared<ThreadMailbox>();
  WantWritable want_writable_ = [](int, bool) {};
  // This thread's connections, by socket.
  std::unordered_map<int, std::shared_ptr<Connection>> connections_;
};

}  // namespace refundsync
