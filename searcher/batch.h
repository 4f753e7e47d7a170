// Batch mode (--queries) and the latency benchmark (--bench).
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "searcher/searcher.h"

namespace bilex {

// Reads one query per line (blank lines skipped).
[[nodiscard]] std::vector<std::string> read_queries(std::istream& in);

// Answers each query with `base` as template, one JSON object per line,
// in the order of `queries`, on `threads` threads (each with its own
// Searcher; the lines are the same whatever the count). A query that fails
// gets {"query":…,"error":…}. Returns the number of failed queries.
size_t run_batch(const std::string& db, const std::vector<std::string>& queries,
                 const SearchRequest& base, std::ostream& out, bool explain,
                 unsigned threads = 1);

struct BenchOptions {
  unsigned repeat = 1;
  unsigned threads = 1;
  // Fixed-rate load: queries are started at `rate` per second for
  // `duration` seconds (cycling through the set), and each latency counts
  // from its intended start, so that queries queued behind a slow one show
  // their wait. 0: closed loop, each thread as fast as it can.
  double rate = 0;
  double duration = 10;
};

// Runs every query `repeat` times (or, with a rate, for the duration) on
// `threads` threads (each with its own Searcher) after one warm-up pass,
// and prints one JSON object with queries, p50_ms, p95_ms, p99_ms, mean_ms
// and qps (and rate_qps, late_queries with a rate).
void run_bench(const std::string& db, const std::vector<std::string>& queries,
               const SearchRequest& base, const BenchOptions& opts,
               std::ostream& out);

}  // namespace bilex
