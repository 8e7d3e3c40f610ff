#include "ingress/thread_mailbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace refundsync {

ThreadMailbox::ThreadMailbox() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("eventfd failed");
}

ThreadMailbox::~ThreadMailbox() { close(fd_); }

bool ThreadMailbox::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return false;
    tasks_.push_back(std::move(task));
    if (tasks_.size() > 1) return true;  // already signalled, not yet run
  }
  const std::uint64_t one = 1;
  (void)!write(fd_, &one, sizeof one);
  return true;
}

void ThreadMailbox::Close() {
  std::vector<std::function<void()>> dropped;
  std::lock_guard<std::mutex> lock(mutex_);
  open_ = false;
  dropped.swap(tasks_);
}

void ThreadMailbox::OnReadable() {
  std::uint64_t count = 0;
  (void)!read(fd_, &count, sizeof count);
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks.swap(tasks_);
  }
  for (auto& task : tasks) task();
}

}  // namespace refundsync
