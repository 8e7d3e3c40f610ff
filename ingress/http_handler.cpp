#include "ingress/http_handler.h"

#include <sys/socket.h>

#include <cerrno>
#include <exception>

#include <pistache/peer.h>

#include "core/log.h"
#include "ingress/http_wire.h"

namespace refundsync {

using Status = HttpRequestReader::Status;
using Phase = HttpRequestReader::Phase;

struct HttpHandler::Connection {
  Connection(std::shared_ptr<Pistache::Tcp::Peer> p, std::size_t max_request_bytes)
      : peer(std::move(p)), fd(peer->fd()), reader(max_request_bytes), thread(std::this_thread::get_id()) {}

  std::shared_ptr<Pistache::Tcp::Peer> peer;
  const int fd;
  HttpRequestReader reader;
  const std::thread::id thread;  // Pistache's thread that owns the socket
  // Set on that thread before Pistache closes the socket; read by answers made on other threads.
  std::atomic<bool> closed{false};
  // While the handler runs for a request: an answer given at once is noted, and the loop in Advance goes on.
  bool dispatching = false;
  bool answered_inline = false;
};

// One answer per request, whoever calls first; later calls are ignored.
struct HttpHandler::Answer {
  Answer(HttpHandler* h, std::shared_ptr<Connection> c, std::shared_ptr<std::atomic<int>> f)
      : handler(h), connection(std::move(c)), in_flight(std::move(f)),
        keep_alive(connection->reader.keep_alive()), head(connection->reader.head()) {}

  void Send(const HttpResponse& response) {
    if (sent.exchange(true)) return;
    std::string bytes = FormatResponse(response, keep_alive, head);
    if (std::this_thread::get_id() == connection->thread) {
      handler->Write(connection, std::move(bytes));
    } else if (!connection->closed.load()) {
      // From another thread: Pistache's queue hands the bytes to the connection's thread, which then goes on.
      const std::size_t size = bytes.size();
      auto* const owner = handler;
      connection->peer->send(Pistache::RawBuffer(std::move(bytes), size))
          .then([owner, connection = connection](ssize_t) { owner->AfterAnswer(connection); },
                [connection = connection](const std::exception_ptr&) { Close(*connection); });
    }
    in_flight->fetch_sub(1);
  }

  HttpHandler* handler;
  std::shared_ptr<Connection> connection;
  std::shared_ptr<std::atomic<int>> in_flight;
  const bool keep_alive;
  const bool head;
  std::atomic<bool> sent{false};
};

HttpHandler::HttpHandler(AsyncRequestHandler handler, std::shared_ptr<std::atomic<int>> in_flight,
                         std::size_t max_request_bytes, PeerTimeouts timeouts)
    : handler_(std::move(handler)),
      in_flight_(std::move(in_flight)),
      max_request_bytes_(max_request_bytes),
      timeouts_(timeouts) {}

HttpHandler::~HttpHandler() {
  // Answers still to come (e.g. from the Redis loop thread) must not reach a transport that is gone.
  for (auto& [fd, connection] : connections_) connection->closed = true;
}

std::shared_ptr<Pistache::Tcp::Handler> HttpHandler::clone() const {
  return std::make_shared<HttpHandler>(handler_, in_flight_, max_request_bytes_, timeouts_);
}

void HttpHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  connections_[peer->fd()] = std::make_shared<Connection>(peer, max_request_bytes_);
}

void HttpHandler::onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return;
  it->second->closed = true;  // Pistache closes the socket next; its number may be reused at once
  connections_.erase(it);
}

void HttpHandler::onInput(const char* buffer, std::size_t size, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return;
  const std::shared_ptr<Connection> connection = it->second;  // a copy: Advance may end the connection
  if (connection->closed) return;  // closing: what the client still sends is not read
  Advance(connection, connection->reader.Feed(buffer, size));
}

void HttpHandler::Advance(const std::shared_ptr<Connection>& connection, Status status) {
  // A loop, not recursion, over requests a client pipelined and that are answered at once.
  for (;;) {
    if (status == Status::kNeedMore) {
      if (connection->reader.TakeContinueWanted()) {
        (void)!::send(connection->fd, kContinueResponse, sizeof kContinueResponse - 1, MSG_NOSIGNAL);
      }
      return;
    }
    if (status == Status::kError) {
      Write(connection, FormatResponse(connection->reader.error_response(), false, false));  // then closes
      return;
    }
    connection->dispatching = true;
    connection->answered_inline = false;
    Dispatch(connection);
    connection->dispatching = false;
    if (!connection->answered_inline) return;  // AfterAnswer goes on once the answer is out
    if (connection->closed) return;
    if (!connection->reader.keep_alive()) return Close(*connection);
    status = connection->reader.Next();
  }
}

void HttpHandler::Dispatch(const std::shared_ptr<Connection>& connection) {
  in_flight_->fetch_add(1);
  auto answer = std::make_shared<Answer>(this, connection, in_flight_);
  Respond respond = [answer](HttpResponse response) { answer->Send(response); };
  try {
    handler_(connection->reader.TakeRequest(), respond);
  } catch (const std::exception& e) {
    log::Error("request_failed", {{"error", e.what()}});
    respond(ErrorResponse(500, "internal", "internal error"));
  }
}

void HttpHandler::Write(const std::shared_ptr<Connection>& connection, std::string bytes) {
  if (connection->closed) return;
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::send(connection->fd, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The socket's buffer is full: Pistache's queue sends the rest when it drains, then we go on.
      const std::string rest = bytes.substr(written);
      connection->peer->send(Pistache::RawBuffer(rest, rest.size()))
          .then([this, connection](ssize_t) { AfterAnswer(connection); },
                [connection](const std::exception_ptr&) { Close(*connection); });
      return;
    } else {
      return Close(*connection);  // the client is gone; Pistache notices on its next read
    }
  }
  AfterAnswer(connection);
}

void HttpHandler::AfterAnswer(const std::shared_ptr<Connection>& connection) {
  if (connection->dispatching) {
    connection->answered_inline = true;
    return;
  }
  if (connection->closed) return;
  if (!connection->reader.keep_alive()) return Close(*connection);
  Advance(connection, connection->reader.Next());
}

void HttpHandler::Close(Connection& connection) {
  if (connection.closed.exchange(true)) return;
  // Pistache owns the socket: shutting it down makes its next read see the end and close it the usual way
  // (what was already written is still delivered before the FIN).
  ::shutdown(connection.fd, SHUT_RDWR);
}

void HttpHandler::CloseStalled(std::chrono::steady_clock::time_point now) {
  static const std::string timeout =
      FormatResponse(ErrorResponse(408, "request_timeout", "the request was not received in time"), false, false);
  for (auto& [fd, connection] : connections_) {
    if (connection->closed) continue;
    const HttpRequestReader& reader = connection->reader;
    bool answer_timeout = false;
    switch (reader.phase()) {
      case Phase::kHandling:
        continue;
      case Phase::kIdle:
        // As Pistache's own: before a request starts, the shorter of the header and keep-alive timeouts.
        if (now - reader.phase_since() > std::min(timeouts_.header, timeouts_.keepalive)) Close(*connection);
        continue;
      case Phase::kHeaders:
        answer_timeout = now - reader.request_started() > timeouts_.header;
        break;
      case Phase::kBody:
        answer_timeout = now - reader.request_started() > timeouts_.header + timeouts_.body;
        break;
    }
    if (answer_timeout) {
      (void)!::send(fd, timeout.data(), timeout.size(), MSG_NOSIGNAL);
      Close(*connection);
    }
  }
}

}  // namespace refundsync
