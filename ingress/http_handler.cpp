#include "ingress/http_handler.h"

#include <pistache/peer.h>
#include <sys/socket.h>

#include <cerrno>
#include <exception>

#include "core/log.h"
#include "ingress/http_wire.h"

namespace refundsync {

using Status = HttpRequestReader::Status;
using Phase = HttpRequestReader::Phase;
using Clock = std::chrono::steady_clock;

namespace {

// How long a closing connection may keep sending before it is shut down both ways.
constexpr std::chrono::seconds kCloseLinger{2};

}  // namespace

struct HttpHandler::Connection {
  Connection(int socket, std::string address, std::size_t max_request_bytes)
      : fd(socket), client(std::move(address)), reader(max_request_bytes), thread(std::this_thread::get_id()) {}

  // No reference to Pistache's Peer is kept: Pistache owns it, and its listener thread may drop the last reference
  // after the connection ended here (its shared_ptr's count is atomic inside libpistache, where ThreadSanitizer
  // cannot see it, so a copy released on this thread was reported as a race with that free).
  const int fd;
  const std::string client;  // the peer's address, for the per-client cap (empty when that cap is off)
  HttpRequestReader reader;
  const std::thread::id thread;  // Pistache's thread that owns the socket; everything below is used only there
  // No more writes: closing, or Pistache is about to close the socket (its number may then be reused at once).
  bool closed = false;
  bool aborted = false;
  Clock::time_point aborted_since{};
  Clock::time_point closing_since{};
  // The rest of an answer the socket could not take yet; sent when it becomes writable (OnWritable).
  std::string unsent;
  std::size_t unsent_offset = 0;
  bool waiting_writable = false;
  Clock::time_point writing_since{};
  // While the handler runs for a request: an answer given at once is noted, and the loop in Advance goes on.
  bool dispatching = false;
  bool answered_inline = false;
};

// One answer per request, whoever calls first; later calls are ignored. A request whose every Respond is dropped
// unanswered gets a 500 rather than a connection that hangs.
struct HttpHandler::Answer {
  Answer(HttpHandler* h, std::shared_ptr<ThreadMailbox> m, std::shared_ptr<Connection> c,
         std::shared_ptr<std::atomic<int>> f)
      : handler(h),
        mailbox(std::move(m)),
        connection(std::move(c)),
        in_flight(std::move(f)),
        keep_alive(connection->reader.keep_alive()),
        head(connection->reader.head()) {}
  ~Answer() {
    if (!sent) Send(ErrorResponse(500, "internal", "the request was dropped without an answer"));
  }

  void Send(const HttpResponse& response) {
    if (sent.exchange(true)) return;
    std::string bytes = FormatResponse(response, keep_alive, head);
    if (std::this_thread::get_id() == connection->thread) {
      handler->Write(connection, std::move(bytes));
      in_flight->fetch_sub(1);
      return;
    }
    // The handler lives as long as the mailbox takes work, and runs the task on the connection's thread. The
    // request counts as in flight (HttpServer::WaitIdle) until the task has run or been dropped.
    struct Done {
      explicit Done(std::shared_ptr<std::atomic<int>> counter) : in_flight(std::move(counter)) {}
      ~Done() { in_flight->fetch_sub(1); }
      std::shared_ptr<std::atomic<int>> in_flight;
    };
    auto done = std::make_shared<Done>(in_flight);
    mailbox->Post([owner = handler, connection = connection, bytes = std::move(bytes), done]() mutable {
      owner->Write(connection, std::move(bytes));
    });
  }

  HttpHandler* handler;
  std::shared_ptr<ThreadMailbox> mailbox;
  std::shared_ptr<Connection> connection;
  std::shared_ptr<std::atomic<int>> in_flight;
  const bool keep_alive;
  const bool head;
  std::atomic<bool> sent{false};
};

HttpHandler::HttpHandler(AsyncRequestHandler handler, std::shared_ptr<std::atomic<int>> in_flight,
                         std::size_t max_request_bytes, PeerTimeouts timeouts, ConnectionLimits limits,
                         std::shared_ptr<ConnectionBook> book)
    : handler_(std::move(handler)),
      in_flight_(std::move(in_flight)),
      max_request_bytes_(max_request_bytes),
      timeouts_(timeouts),
      limits_(limits),
      book_(std::move(book)) {}

HttpHandler::~HttpHandler() {
  // Answers still to come from other threads find the mailbox closed.
  mailbox_->Close();
  for (auto& [fd, connection] : connections_) connection->closed = true;
}

std::shared_ptr<Pistache::Tcp::Handler> HttpHandler::clone() const {
  return std::make_shared<HttpHandler>(handler_, in_flight_, max_request_bytes_, timeouts_, limits_, book_);
}

void HttpHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto connection = std::make_shared<Connection>(
      peer->fd(), limits_.max_per_client > 0 ? peer->address().host() : std::string(), max_request_bytes_);
  connections_[connection->fd] = connection;
  Admit(connection);
}

void HttpHandler::Admit(const std::shared_ptr<Connection>& connection) {
  const int open = book_->open.fetch_add(1) + 1;  // counted until onDisconnection, whatever happens here
  if (limits_.max_per_client > 0) {
    std::lock_guard lock(book_->mutex);
    if (++book_->per_client[connection->client] > limits_.max_per_client) return Abort(*connection);
  }
  if (open <= limits_.max) return;
  // Over the total: the connection idle the longest on this thread makes room, else this one goes.
  Connection* idlest = nullptr;
  for (auto& [fd, other] : connections_) {
    if (other == connection || other->closed || other->reader.phase() != HttpRequestReader::Phase::kIdle) continue;
    if (idlest == nullptr || other->reader.phase_since() < idlest->reader.phase_since()) idlest = other.get();
  }
  Abort(idlest != nullptr ? *idlest : *connection);
}

void HttpHandler::onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return;
  book_->open.fetch_sub(1);
  if (!it->second->client.empty()) {
    std::lock_guard lock(book_->mutex);
    if (auto count = book_->per_client.find(it->second->client);
        count != book_->per_client.end() && --count->second <= 0) {
      book_->per_client.erase(count);
    }
  }
  it->second->closed = true;  // Pistache closes the socket next; its number may be reused at once
  it->second->aborted = true;
  connections_.erase(it);
}

void HttpHandler::onInput(const char* buffer, std::size_t size, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return;
  const std::shared_ptr<Connection> connection = it->second;  // a copy: Advance may end the connection
  if (connection->closed) return;                             // closing: what the client still sends is not read
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
  auto answer = std::make_shared<Answer>(this, mailbox_, connection, in_flight_);
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
  if (connection->unsent.empty()) {
    connection->unsent = std::move(bytes);
    connection->unsent_offset = 0;
  } else {
    connection->unsent += bytes;  // a 400 for what was read meanwhile: after the answer being sent
  }
  SendUnsent(connection);
}

void HttpHandler::SendUnsent(const std::shared_ptr<Connection>& connection) {
  std::string& bytes = connection->unsent;
  while (connection->unsent_offset < bytes.size()) {
    const std::size_t offset = connection->unsent_offset;
    const ssize_t n = ::send(connection->fd, bytes.data() + offset, bytes.size() - offset, MSG_NOSIGNAL);
    if (n > 0) {
      connection->unsent_offset += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The socket's buffer is full: the transport calls OnWritable when the client has read some.
      if (!connection->waiting_writable) {
        connection->waiting_writable = true;
        connection->writing_since = Clock::now();
        want_writable_(connection->fd, true);
      }
      return;
    } else {
      return Abort(*connection);  // the client is gone; Pistache notices on its next read
    }
  }
  bytes.clear();
  bytes.shrink_to_fit();  // an idle keep-alive connection holds no answer's memory
  connection->unsent_offset = 0;
  if (connection->waiting_writable) {
    connection->waiting_writable = false;
    want_writable_(connection->fd, false);
  }
  AfterAnswer(connection);
}

void HttpHandler::OnWritable(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  const std::shared_ptr<Connection> connection = it->second;  // a copy: AfterAnswer may end the connection
  if (connection->closed || connection->unsent.empty()) return;
  SendUnsent(connection);
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
  if (connection.closed) return;
  connection.closed = true;
  connection.closing_since = Clock::now();
  // Pistache owns the socket. What was written is delivered, then the end; when the client closes in turn,
  // Pistache's read sees it and closes the socket the usual way.
  ::shutdown(connection.fd, SHUT_WR);
}

void HttpHandler::Abort(Connection& connection) {
  if (connection.aborted) return;
  connection.closed = true;
  connection.aborted = true;
  connection.aborted_since = Clock::now();
  connection.unsent.clear();
  connection.unsent.shrink_to_fit();
  ::shutdown(connection.fd, SHUT_RDWR);  // Pistache's next read sees the end
}

std::vector<int> HttpHandler::ShutDownButOpen() const {
  std::vector<int> fds;
  const auto now = Clock::now();
  for (const auto& [fd, connection] : connections_) {
    if (connection->aborted && now - connection->aborted_since > kCloseLinger) fds.push_back(fd);
  }
  return fds;
}

void HttpHandler::CloseStalled(Clock::time_point now) {
  static const std::string timeout =
      FormatResponse(ErrorResponse(408, "request_timeout", "the request was not received in time"), false, false);
  for (auto& [fd, connection] : connections_) {
    if (connection->aborted) continue;
    if (connection->closed) {
      if (now - connection->closing_since > kCloseLinger) Abort(*connection);
      continue;
    }
    const HttpRequestReader& reader = connection->reader;
    switch (reader.phase()) {
      case Phase::kHandling:
        if (connection->waiting_writable && now - connection->writing_since > timeouts_.keepalive) {
          Abort(*connection);
        }
        break;
      case Phase::kIdle:
        // As Pistache's own: before a request starts, the shorter of the header and keep-alive timeouts.
        if (now - reader.phase_since() > std::min(timeouts_.header, timeouts_.keepalive)) Abort(*connection);
        break;
      case Phase::kHeaders:
      case Phase::kBody: {
        const auto allowed = reader.phase() == Phase::kHeaders ? timeouts_.header : timeouts_.header + timeouts_.body;
        if (now - reader.request_started() > allowed) {
          (void)!::send(fd, timeout.data(), timeout.size(), MSG_NOSIGNAL);
          Close(*connection);
        }
        break;
      }
    }
  }
}

}  // namespace refundsync
