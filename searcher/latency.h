// The latency benchmark's parts shared by bilex-search --bench and
// bilex-serve-bench: threads, the open loop and the summary.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace bilex {

// Runs body(t) on threads t = 0..n-1 and waits for all; rethrows the first
// exception one of them threw (a thread that throws is the only one to
// stop early: the others carry on to the end).
void on_threads(unsigned n, const std::function<void(unsigned)>& body);

// One query: run_one(thread, i) answers query i of the run on `thread`;
// negative when it failed (left out of the figures).
using RunOne = std::function<double(unsigned, size_t)>;

// Open loop: query i is due at start + i / rate, for rate * duration
// queries; a thread takes the next due query, waits for its time if early,
// and its latency runs from the time it was due. Returns the latencies (a
// failed query's negative); counts in *late the queries started behind time.
std::vector<double> open_loop(unsigned threads, double rate, double duration,
                              std::chrono::steady_clock::time_point start,
                              const RunOne& run_one, std::atomic<size_t>* late);

// The figures of a run of `wall` seconds: queries, p50_ms, p95_ms, p99_ms,
// mean_ms and qps, over the answered queries (latencies not negative).
[[nodiscard]] nlohmann::json latency_summary(
    const std::vector<double>& latencies, double wall);

}  // namespace bilex
