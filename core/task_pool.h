// A few threads for work that may block for long, kept off the HTTP threads: e.g. verifying an eBay notification
// whose signing key must first be fetched from eBay. The queue is bounded, so a flood costs a refusal (the caller
// answers 503 and the sender retries), not a thread or a copied request each.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace refundsync {

class TaskPool {
 public:
  TaskPool(int threads, std::size_t max_queued);
  // Drops what is still queued (destroying a task must stand for "not done"), waits for the running ones.
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // False when the queue is full or the pool is stopping: the task was not taken.
  bool Post(std::function<void()> task);

 private:
  void Run();

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace refundsync
