#include "searcher/latency.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <numeric>
#include <thread>

namespace bilex {

void on_threads(unsigned n, const std::function<void(unsigned)>& body) {
  std::mutex mutex;
  std::exception_ptr error;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t)
    pool.emplace_back([&, t] {
      try {
        body(t);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

std::vector<double> open_loop(unsigned threads, double rate, double duration,
                              std::chrono::steady_clock::time_point start,
                              const RunOne& run_one,
                              std::atomic<size_t>* late) {
  const auto count = static_cast<size_t>(rate * duration);
  std::vector<double> latencies(count, -1.0);
  std::atomic<size_t> next{0};
  on_threads(threads, [&](unsigned t) {
    for (size_t i; (i = next.fetch_add(1)) < count;) {
      const auto due =
          start +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(static_cast<double>(i) / rate));
      if (std::chrono::steady_clock::now() < due) {
        std::this_thread::sleep_until(due);
      } else {
        ++*late;
      }
      if (run_one(t, i) >= 0)
        latencies[i] = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - due)
                           .count();
    }
  });
  return latencies;
}

namespace {

// The latencies of the answered queries (the failed ones are negative),
// sorted.
struct Latencies {
  std::vector<double> sorted;
  explicit Latencies(const std::vector<double>& all) {
    for (double l : all)
      if (l >= 0) sorted.push_back(l);
    std::sort(sorted.begin(), sorted.end());
  }
  double percentile(double p) const {
    if (sorted.empty()) return 0.0;
    const size_t i = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
    return sorted[std::min(sorted.size() - 1, i == 0 ? 0 : i - 1)];
  }
  double mean() const {
    return sorted.empty() ? 0.0
                          : std::accumulate(sorted.begin(), sorted.end(), 0.0) /
                                static_cast<double>(sorted.size());
  }
};

}  // namespace

nlohmann::json latency_summary(const std::vector<double>& latencies,
                               double wall) {
  const Latencies l(latencies);
  return {
      {"queries", latencies.size()},
      {"p50_ms", l.percentile(50)},
      {"p95_ms", l.percentile(95)},
      {"p99_ms", l.percentile(99)},
      {"mean_ms", l.mean()},
      {"qps", wall > 0 ? static_cast<double>(l.sorted.size()) / wall : 0.0}};
}

}  // namespace bilex
