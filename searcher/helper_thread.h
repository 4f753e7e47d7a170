#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "common/analyzer.h"

namespace bilex {

// A second thread for the tasks of one query (its hits' snippets), so that
// a query uses a free core: the caller and the helper take the tasks in
// turn from a shared counter, each with an Analyzer of its own (an Analyzer
// is not thread-safe). When the helper is late to wake, the caller does
// the tasks itself: never slower than alone by more than a wake-up.
// One caller at a time; not copyable.
class HelperThread {
 public:
  using Task = std::function<void(const Analyzer&, size_t)>;

  HelperThread();
  ~HelperThread();
  HelperThread(const HelperThread&) = delete;
  HelperThread& operator=(const HelperThread&) = delete;

  // Calls task(analyzer, i) once for each i in [0, n), on the calling
  // thread (with `own`) and the helper (with its own analyzer); returns
  // when every call has returned. The caller first runs `first` (when
  // given: work of its own that the helper's tasks overlap). Rethrows the
  // first exception `first` or a task threw, after all have run.
  void run(size_t n, const Analyzer& own, const Task& task,
           const std::function<void()>& first = nullptr);

  // Tasks the helper ran, over all calls (for tests).
  size_t helped() const { return helped_.load(std::memory_order_relaxed); }

 private:
  void loop();

  Analyzer analyzer_;
  std::mutex mutex_;
  std::condition_variable wake_;  // a call started, or stop_
  std::condition_variable idle_;  // the helper left a call
  const Task* task_ = nullptr;
  size_t count_ = 0;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> helped_{0};
  std::atomic<bool> working_{false};  // the helper is taking tasks
  uint64_t call_ = 0;                 // numbers the calls
  bool open_ = false;                 // the helper may join the current call
  bool busy_ = false;                 // the helper is in a call
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace bilex
