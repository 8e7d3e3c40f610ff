// Work handed to one loop thread by others: an answer made on the Redis loop thread, say, must be written by the
// thread that owns the connection (only it may touch the connection's state, and only it knows whether the
// socket number still belongs to that connection). Shared by whoever may post, so a poster that outlives the
// loop finds it closed instead of freed.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "core/thread_loop.h"

namespace refundsync {

class ThreadMailbox : public ThreadLoop::Readable {
 public:
  ThreadMailbox();
  ~ThreadMailbox() override;
  ThreadMailbox(const ThreadMailbox&) = delete;
  ThreadMailbox& operator=(const ThreadMailbox&) = delete;

  // From any thread. False once closed: the task is dropped.
  bool Post(std::function<void()> task);
  // The owning thread stops taking work; what was posted and not run is dropped.
  void Close();

  int fd() const { return fd_; }
  // On the owning thread, when fd() is readable: runs what was posted, in order.
  void OnReadable() override;

 private:
  int fd_;  // an eventfd: readable while work waits
  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  bool open_ = true;
};

}  // namespace refundsync
