#include "searcher/batch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <thread>

#include "common/error.h"
#include "searcher/printer.h"

namespace bilex {

std::vector<std::string> read_queries(std::istream& in) {
  std::vector<std::string> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    queries.push_back(line);
  }
  return queries;
}

namespace {
// Whether a process searching on `threads` threads has a core to spare
// for each one's helper.
bool spare_core(unsigned threads) {
  return 2 * threads <= std::thread::hardware_concurrency();
}

// Runs body(t) on threads t = 0..n-1 and waits for all; rethrows the first
// exception one of them threw (a thread that throws is the only one to
// stop early: the others carry on to the end).
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
}  // namespace

namespace {

// One line of batch output: the answer to `q`, or its error. Counts the
// errors in *failed.
std::string batch_line(Searcher& searcher, const SearchRequest& base,
                       const std::string& q, bool explain,
                       std::atomic<size_t>* failed) {
  SearchRequest req = base;
  req.query = q;
  try {
    return result_json(searcher.search(req), explain);
  } catch (const QueryError& e) {
    ++*failed;
    return nlohmann::json({{"query", q}, {"error", e.what()}})
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

size_t run_batch(const std::string& db, const std::vector<std::string>& queries,
                 const SearchRequest& base, std::ostream& out, bool explain,
                 unsigned threads) {
  std::atomic<size_t> failed{0};
  threads = std::max(
      1u, std::min<unsigned>(threads, std::max<size_t>(1, queries.size())));
  if (threads == 1) {
    Searcher searcher(db, spare_core(1));
    for (const std::string& q : queries)
      out << batch_line(searcher, base, q, explain, &failed) << '\n';
    return failed;
  }
  // The threads take the queries in turn; each line is written as soon as
  // every line before it has been.
  std::vector<std::unique_ptr<Searcher>> searchers;
  for (unsigned t = 0; t < threads; ++t)
    searchers.push_back(std::make_unique<Searcher>(db, spare_core(threads)));
  std::vector<std::optional<std::string>> lines(queries.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;  // guards `lines`, `written` and `out`
  size_t written = 0;
  on_threads(threads, [&](unsigned t) {
    for (size_t i; (i = next.fetch_add(1)) < queries.size();) {
      std::string line =
          batch_line(*searchers[t], base, queries[i], explain, &failed);
      std::lock_guard lock(mutex);
      lines[i] = std::move(line);
      for (; written < lines.size() && lines[written]; ++written) {
        out << *lines[written] << '\n';
        lines[written].reset();
      }
    }
  });
  return failed;
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

// Open loop: query i is due at start + i / rate; a thread takes the next
// due query, waits for its time if early, and its latency runs from the
// time it was due. Returns the latencies; counts in *late the queries
// started behind time.
template <typename RunOne>
std::vector<double> open_loop(unsigned threads, const BenchOptions& opts,
                              std::chrono::steady_clock::time_point start,
                              const RunOne& run_one,
                              std::atomic<size_t>* late) {
  const auto count = static_cast<size_t>(opts.rate * opts.duration);
  std::vector<double> latencies(count, -1.0);
  std::atomic<size_t> next{0};
  on_threads(threads, [&](unsigned t) {
    for (size_t i; (i = next.fetch_add(1)) < count;) {
      const auto due =
          start +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(static_cast<double>(i) /
                                            opts.rate));
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

}  // namespace

void run_bench(const std::string& db, const std::vector<std::string>& queries,
               const SearchRequest& base, const BenchOptions& opts,
               std::ostream& out) {
  const unsigned threads = std::max(1u, opts.threads);
  const size_t total = queries.size() * std::max(1u, opts.repeat);
  std::vector<std::unique_ptr<Searcher>> searchers;
  for (unsigned t = 0; t < threads; ++t)
    searchers.push_back(std::make_unique<Searcher>(db, spare_core(threads)));
  // A query that fails is left out of the figures and counted apart.
  std::atomic<size_t> errors{0};
  // Query i (of the set, cycling) on thread t's searcher: its latency.
  auto run_one = [&](unsigned t, size_t i) {
    SearchRequest req = base;
    req.query = queries[i % queries.size()];
    try {
      return searchers[t]->search(req).took_ms;
    } catch (const QueryError&) {
      ++errors;
      return -1.0;
    }
  };
  // Warm-up: every query once, the queries spread over the threads.
  on_threads(threads, [&](unsigned t) {
    for (size_t i = t; i < queries.size(); i += threads) (void)run_one(t, i);
  });
  errors = 0;
  std::vector<double> latencies;
  std::atomic<size_t> late{0};
  const auto start = std::chrono::steady_clock::now();
  if (opts.rate > 0) {
    latencies = open_loop(threads, opts, start, run_one, &late);
  } else {
    latencies.assign(total, -1.0);
    on_threads(threads, [&](unsigned t) {
      for (size_t i = t; i < total; i += threads) latencies[i] = run_one(t, i);
    });
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const Latencies l(latencies);
  nlohmann::json j = {
      {"queries", latencies.size()},
      {"errors", errors.load()},
      {"threads", threads},
      {"repeat", opts.repeat},
      {"snippets", base.snippets},
      {"p50_ms", l.percentile(50)},
      {"p95_ms", l.percentile(95)},
      {"p99_ms", l.percentile(99)},
      {"mean_ms", l.mean()},
      {"qps", wall > 0 ? static_cast<double>(l.sorted.size()) / wall : 0.0}};
  if (opts.rate > 0) {
    j["rate_qps"] = opts.rate;
    j["duration_s"] = opts.duration;
    j["late_queries"] = late.load();  // started after their time
  }
  out << j.dump() << '\n';
}

}  // namespace bilex
