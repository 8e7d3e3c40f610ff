// A thread that runs some work at once and then every `every` until it is stopped: the background samplers
// (Redis health, the Redis gauges) share this instead of each writing its own loop.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/duration.h"

namespace refundsync {

class PeriodicThread {
 public:
  PeriodicThread(Duration every, std::function<void()> work) : every_(every), work_(std::move(work)) {}
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  void Start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        lock.unlock();
        work_();
        lock.lock();
        wake_.wait_for(lock, every_, [this] { return stopping_; });
      }
    });
  }
  // Wakes the thread and waits for it (a round under way finishes first). Idempotent.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  Duration every_;
  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace refundsync
