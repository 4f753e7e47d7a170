#include "searcher/helper_thread.h"

#include <chrono>

namespace bilex {
namespace {

// A spin-wait's step: tells the core this thread waits.
void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// Runs the tasks [next, count) that `next` hands out; the first exception
// is kept in `error`. Returns how many ran.
size_t drain(std::atomic<size_t>& next, size_t count, const Analyzer& analyzer,
             const HelperThread::Task& task, std::exception_ptr* error) {
  size_t ran = 0;
  for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < count;
       ++ran) {
    try {
      task(analyzer, i);
    } catch (...) {
      if (!*error) *error = std::current_exception();
    }
  }
  return ran;
}

}  // namespace

HelperThread::HelperThread() : thread_([this] { loop(); }) {}

HelperThread::~HelperThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void HelperThread::run(size_t n, const Analyzer& own, const Task& task,
                       const std::function<void()>& first) {
  if (n == 0) {
    if (first) first();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    task_ = &task;
    count_ = n;
    next_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    open_ = true;
    ++call_;
  }
  wake_.notify_one();
  std::exception_ptr error;
  if (first) {
    try {
      first();
    } catch (...) {
      error = std::current_exception();
    }
  }
  drain(next_, n, own, task, &error);
  {
    // The tasks are all taken: wait for the helper to finish those it took.
    // Its last task is short: spin a while before sleeping (waking from a
    // sleep took about as long as the wait itself).
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (working_.load(std::memory_order_acquire) &&
           std::chrono::steady_clock::now() < until)
      pause();
    std::unique_lock lock(mutex_);
    open_ = false;
    idle_.wait(lock, [this] { return !busy_; });
    task_ = nullptr;
    if (!error) error = error_;
  }
  if (error) std::rethrow_exception(error);
}

void HelperThread::loop() {
  uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || call_ != seen; });
    if (stop_) return;
    seen = call_;
    if (!open_) continue;  // woke after the caller had done it all
    busy_ = true;
    working_.store(true, std::memory_order_relaxed);
    const Task* task = task_;
    const size_t count = count_;
    lock.unlock();
    std::exception_ptr error;
    helped_.fetch_add(drain(next_, count, analyzer_, *task, &error),
                      std::memory_order_relaxed);
    working_.store(false, std::memory_order_release);
    lock.lock();
    if (error && !error_) error_ = error;
    busy_ = false;
    idle_.notify_one();
  }
}

}  // namespace bilex
