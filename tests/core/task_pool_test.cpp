// TaskPool: tasks run on its threads; the queue is bounded; what is still queued when it stops is dropped.
#include "core/task_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <memory>
#include <thread>

using refundsync::TaskPool;

TEST_CASE("TaskPool runs tasks on its own threads", "[unit]") {
  TaskPool pool(2, 8);
  std::promise<std::thread::id> ran_on;
  REQUIRE(pool.Post([&] { ran_on.set_value(std::this_thread::get_id()); }));
  CHECK(ran_on.get_future().get() != std::this_thread::get_id());
}

TEST_CASE("TaskPool refuses work beyond its queue, and drops what is queued when it stops", "[unit]") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> blocking;
  std::atomic<bool> queued_ran{false};
  bool queued_dropped = false;
  {
    TaskPool pool(1, 2);
    REQUIRE(pool.Post([&] {
      blocking.set_value();
      released.wait();
    }));
    blocking.get_future().wait();  // the one thread is busy: what follows waits in the queue
    // Dropping this task (its last copy) releases the busy thread, so the pool's destructor can join it.
    std::shared_ptr<void> on_drop(nullptr, [&](void*) {
      queued_dropped = true;
      release.set_value();
    });
    REQUIRE(pool.Post([&queued_ran, on_drop] { queued_ran = true; }));
    on_drop.reset();
    REQUIRE(pool.Post([] {}));
    CHECK_FALSE(pool.Post([] {}));  // two queued: full
  }
  CHECK(queued_dropped);
  CHECK_FALSE(queued_ran.load());
}
