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
#include "searcher/latency.h"
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
    latencies =
        open_loop(threads, opts.rate, opts.duration, start, run_one, &late);
  } else {
    latencies.assign(total, -1.0);
    on_threads(threads, [&](unsigned t) {
      for (size_t i = t; i < total; i += threads) latencies[i] = run_one(t, i);
    });
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  nlohmann::json j = latency_summary(latencies, wall);
  j["errors"] = errors.load();
  j["threads"] = threads;
  j["repeat"] = opts.repeat;
  j["snippets"] = base.snippets;
  if (opts.rate > 0) {
    j["rate_qps"] = opts.rate;
    j["duration_s"] = opts.duration;
    j["late_queries"] = late.load();  // started after their time
  }
  out << j.dump() << '\n';
}

}  // namespace bilex
