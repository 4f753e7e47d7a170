// bilex::HelperThread: every task once, on both threads, errors carried
// back to the caller.
#include "searcher/helper_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

// Waits up to ten seconds for `done()`; whether it came.
template <typename F>
bool wait_for(F done) {
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("HelperThread: each task runs once in call after call" *
          doctest::test_suite("threads")) {
  bilex::Analyzer own;
  bilex::HelperThread helper;
  for (size_t n = 0; n < 40; ++n) {
    std::vector<std::atomic<int>> runs(n);
    int firsts = 0;
    helper.run(
        n, own, [&](const bilex::Analyzer&, size_t i) { ++runs[i]; },
        [&] { ++firsts; });
    CAPTURE(n);
    CHECK(firsts == 1);
    for (size_t i = 0; i < n; ++i) CHECK(runs[i].load() == 1);
  }
}

TEST_CASE("HelperThread: the helper takes tasks while the caller is busy" *
          doctest::test_suite("threads")) {
  bilex::Analyzer own;
  bilex::HelperThread helper;
  std::atomic<int> started{0};
  std::vector<const bilex::Analyzer*> by(2, nullptr);
  bool seen = false;
  // The caller is in `first` until a task has started: only the helper,
  // with its own analyzer, can have started it.
  helper.run(
      2, own,
      [&](const bilex::Analyzer& a, size_t i) {
        by[i] = &a;
        ++started;
      },
      [&] { seen = wait_for([&] { return started.load() > 0; }); });
  CHECK(seen);
  CHECK(helper.helped() >= 1);
  CHECK((by[0] != &own || by[1] != &own));
  CHECK(by[0] != nullptr);
  CHECK(by[1] != nullptr);
}

TEST_CASE("HelperThread: an exception reaches the caller after every task" *
          doctest::test_suite("threads")) {
  bilex::Analyzer own;
  bilex::HelperThread helper;
  std::vector<std::atomic<int>> runs(10);
  CHECK_THROWS_WITH_AS(helper.run(10, own,
                                  [&](const bilex::Analyzer&, size_t i) {
                                    ++runs[i];
                                    if (i == 3 || i == 7)
                                      throw std::runtime_error("task failed");
                                  }),
                       "task failed", std::runtime_error);
  for (auto& r : runs) CHECK(r.load() == 1);
  CHECK_THROWS_WITH_AS(
      helper.run(
          4, own, [&](const bilex::Analyzer&, size_t i) { ++runs[i]; },
          [] { throw std::runtime_error("first failed"); }),
      "first failed", std::runtime_error);
  for (size_t i = 0; i < 4; ++i) CHECK(runs[i].load() == 2);
  // Still usable.
  std::atomic<int> after{0};
  helper.run(5, own, [&](const bilex::Analyzer&, size_t) { ++after; });
  CHECK(after.load() == 5);
}
