// An event loop thread as seen by a component that wants to do its I/O on it, e.g. a Redis connection per HTTP
// thread: a webhook handled on that thread then sends its command, gets its reply and answers the webhook
// without ever handing work to another thread (each hand-off costs a wake-up and context switches).
#pragma once

#include <functional>
#include <memory>

namespace refundsync {

class ThreadLoop {
 public:
  class Readable {
   public:
    virtual ~Readable() = default;
    virtual void OnReadable() = 0;
  };

  virtual ~ThreadLoop() = default;
  // Level-triggered: `handler` is called on the loop thread while `fd` has data. It must stay alive until
  // Unwatch(fd) (which it may call from OnReadable).
  virtual void WatchReadable(int fd, Readable* handler) = 0;
  virtual void Unwatch(int fd) = 0;
};

// A component living on one loop thread. Created on that thread, used and destroyed only there.
class ThreadLoopClient {
 public:
  virtual ~ThreadLoopClient() = default;
  // After each round of ready events: send what the round queued (one write for many commands).
  virtual void AfterEvents() = 0;
  // About every 10 ms, idle or not: timeouts, writes that could not finish.
  virtual void OnTick() = 0;
};

using ThreadLoopClientFactory = std::function<std::unique_ptr<ThreadLoopClient>(ThreadLoop&)>;

}  // namespace refundsync
