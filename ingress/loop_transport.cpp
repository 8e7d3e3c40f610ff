#include "ingress/loop_transport.h"

#include <pistache/reactor.h>
#include <pistache/tcp.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <stdexcept>

#include "core/log.h"

namespace refundsync {
namespace {

using Pistache::Polling::Event;
using Pistache::Polling::NotifyOn;
using Pistache::Polling::Tag;

constexpr long kTickNs = 10'000'000;  // 10 ms: Redis timeouts are checked at this grain
constexpr std::chrono::milliseconds kIdleCheckEvery{250};

}  // namespace

LoopTransport::LoopTransport(const std::shared_ptr<HttpHandler>& handler, Factories factories)
    : Transport(handler), handler_(handler), factories_(std::move(factories)) {}

LoopTransport::~LoopTransport() {
  stopping_ = true;
  clients_.clear();  // their sockets close with them; commands still in flight fail (the server is stopped)
  if (tick_fd_ >= 0) close(tick_fd_);
}

std::shared_ptr<Pistache::Aio::Handler> LoopTransport::clone() const {
  return std::make_shared<LoopTransport>(std::static_pointer_cast<HttpHandler>(handler_->clone()), factories_);
}

void LoopTransport::StartOnThisThread() {
  started_ = true;
  for (const auto& factory : *factories_) clients_.push_back(factory(*this));
  tick_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (tick_fd_ < 0) throw std::runtime_error("timerfd_create failed");
  // Without clients only the idle check needs the tick.
  const long tick_ns = clients_.empty() ? kIdleCheckEvery.count() * 1'000'000 : kTickNs;
  const itimerspec every{{0, tick_ns}, {0, tick_ns}};
  timerfd_settime(tick_fd_, 0, &every, nullptr);
  reactor()->registerFd(key(), tick_fd_, NotifyOn::Read, Tag(static_cast<std::uint64_t>(tick_fd_)));
  WatchReadable(handler_->mailbox().fd(), &handler_->mailbox());
  handler_->SetWantWritable([this](int fd, bool wanted) {
    // As Pistache registers a peer (Transport::handlePeer), plus Write while an answer waits.
    const NotifyOn interest =
        wanted ? NotifyOn::Read | NotifyOn::Shutdown | NotifyOn::Write : NotifyOn::Read | NotifyOn::Shutdown;
    reactor()->modifyFd(key(), fd, interest, Pistache::Polling::Mode::Edge);
  });
}

bool LoopTransport::ReadClient(int fd) {
  const auto it = peers.find(fd);
  if (it == peers.end()) return true;                            // closed earlier this round
  const std::shared_ptr<Pistache::Tcp::Peer> peer = it->second;  // held: the handler may close it
  const ssize_t n = recv(fd, read_buffer_.data(), read_buffer_.size(), 0);
  if (n > 0) handler_->onInput(read_buffer_.data(), static_cast<std::size_t>(n), peer);
  if (n > 0 && static_cast<std::size_t>(n) < read_buffer_.size()) return true;
  return peers.count(fd) == 0;  // more to read, end of stream, an error or nothing: Pistache's read handles it
}

void LoopTransport::WatchReadable(int fd, Readable* handler) {
  watched_[fd] = handler;
  reactor()->registerFd(key(), fd, NotifyOn::Read, Tag(static_cast<std::uint64_t>(fd)));
}

void LoopTransport::Unwatch(int fd) {
  watched_.erase(fd);
  if (!stopping_) reactor()->removeFd(key(), fd);
}

void LoopTransport::onReady(const Pistache::Aio::FdSet& fds) {
  if (!started_) StartOnThisThread();

  bool tick = false;
  bool answers_queued = false;
  theirs_.clear();
  ours_.clear();
  client_reads_.clear();
  client_writes_.clear();
  for (const auto& entry : fds) {
    const auto fd = static_cast<int>(entry.getTag().value());
    if (fd == tick_fd_) {
      tick = true;
    } else if (watched_.count(fd) != 0) {
      ours_.push_back(fd);
    } else {
      // FdSet's entries hide their Event (a private base); a C-style cast is the one way to copy it whole.
      const auto& event = (const Event&)entry;  // NOLINT(google-readability-casting)
      Pistache::Flags<NotifyOn> flags = event.flags;
      if (flags.hasFlag(NotifyOn::Write) && peers.count(fd) != 0) {
        // Our handler writes client sockets itself; Pistache's write queue is never used (http_handler.h) and
        // would throw on a write event it has no data for.
        client_writes_.push_back(fd);
        flags = flags ^ NotifyOn::Write;
        if (flags == Pistache::Flags<NotifyOn>(NotifyOn::None)) continue;
      }
      if (flags == Pistache::Flags<NotifyOn>(NotifyOn::Read) && peers.count(fd) != 0) {
        client_reads_.push_back(fd);
      } else {
        if (peers.count(fd) == 0 &&
            std::find(internal_tags_.begin(), internal_tags_.end(), fd) == internal_tags_.end()) {
          internal_tags_.push_back(fd);  // one of Pistache's queues (or a socket closed this round: harmless)
        }
        theirs_.emplace_back(event.tag).flags = flags;
      }
    }
  }
  // Waiting answers first: a socket the client has read from takes the rest of its answer.
  for (int fd : client_writes_) {
    answers_queued = true;
    handler_->OnWritable(fd);
  }
  // HTTP first (new requests queue Redis commands), then Redis replies (which queue answers).
  for (int fd : client_reads_) {
    answers_queued = true;
    if (!ReadClient(fd)) {
      theirs_.emplace_back(Tag(static_cast<std::uint64_t>(fd))).flags = Pistache::Flags<NotifyOn>(NotifyOn::Read);
    }
  }
  if (tick) {
    // Pistache 0.0.5's queues lose a wake-up: PollableQueue::pop() drains the eventfd after taking an item, so a
    // connection the listener queues in between waits, unregistered, until the next one arrives (seen: a client
    // whose requests were never read). Each tick hands Pistache a read event for each of its queues, so a stranded
    // connection waits one tick at most; and a socket we shut down whose end Pistache has not read yet
    // (http_handler.h) gets a read event, so it is closed.
    for (int tag : internal_tags_)
      theirs_.emplace_back(Tag(static_cast<std::uint64_t>(tag))).flags = Pistache::Flags<NotifyOn>(NotifyOn::Read);
    for (int fd : handler_->ShutDownButOpen()) {
      if (peers.count(fd) != 0)
        theirs_.emplace_back(Tag(static_cast<std::uint64_t>(fd))).flags = Pistache::Flags<NotifyOn>(NotifyOn::Read);
    }
  }
  if (!theirs_.empty()) {
    answers_queued = true;
    try {
      Transport::onReady(Pistache::Aio::FdSet(std::move(theirs_)));
    } catch (const std::exception& e) {
      // Nothing a client does may end the process: an exception leaving this function would end the thread
      // and with it the process (std::terminate). The round's remaining events are lost; a stuck connection
      // is closed by its timeouts.
      log::Error("transport_error", {{"error", e.what()}});
    }
  }
  for (int fd : ours_) {
    answers_queued = true;
    // Looked up again: an earlier handler of this round may have closed it.
    if (auto it = watched_.find(fd); it != watched_.end()) it->second->OnReadable();
  }
  if (tick) {
    answers_queued = true;  // a client's tick may fail commands
    std::uint64_t expirations = 0;
    (void)!read(tick_fd_, &expirations, sizeof expirations);
    for (auto& client : clients_) client->OnTick();
    if (const auto now = std::chrono::steady_clock::now(); now >= next_idle_check_) {
      next_idle_check_ = now + kIdleCheckEvery - kIdleCheckEvery / 10;  // a late tick must not skip a check
      handler_->CloseStalled(now);
    }
  }
  // Writes completing in flush() may start the next pipelined request, whose Redis command AfterEvents sends.
  if (answers_queued) flush();
  for (auto& client : clients_) client->AfterEvents();
}

}  // namespace refundsync
