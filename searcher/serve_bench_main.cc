// bilex-serve-bench: the open-loop latency benchmark of bilex-search
// --bench --rate, through bilex-serve's HTTP API: queries started at a fixed
// rate over keep-alive connections, each latency counted from the query's
// intended start; the same summary, one JSON object.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "searcher/batch.h"
#include "searcher/latency.h"

namespace {

struct Options {
  std::string url = "http://127.0.0.1:8080", queries, params;
  double rate = 100, duration = 10;
  unsigned connections = 8;
};

// `s` percent-encoded for a URL's query string.
std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

int run(const Options& o) {
  std::ifstream file(o.queries);
  if (!file) {
    std::cerr << "bilex-serve-bench: cannot read queries file " << o.queries
              << '\n';
    return 2;
  }
  std::vector<std::string> paths;
  for (const std::string& q : bilex::read_queries(file))
    paths.push_back("/api/search?q=" + url_encode(q) +
                    (o.params.empty() ? "" : "&" + o.params));
  if (paths.empty()) {
    std::cerr << "bilex-serve-bench: no queries in " << o.queries << '\n';
    return 2;
  }
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (unsigned c = 0; c < o.connections; ++c) {
    clients.push_back(std::make_unique<httplib::Client>(o.url));
    clients.back()->set_keep_alive(true);
    clients.back()->set_tcp_nodelay(true);
  }
  std::atomic<size_t> errors{0};
  auto run_one = [&](unsigned t, size_t i) {
    const auto res = clients[t]->Get(paths[i % paths.size()]);
    if (res && res->status == 200) return 0.0;
    ++errors;
    return -1.0;
  };
  // Warm-up: every query once, spread over the connections.
  bilex::on_threads(o.connections, [&](unsigned t) {
    for (size_t i = t; i < paths.size(); i += o.connections) run_one(t, i);
  });
  if (errors == paths.size()) {
    std::cerr << "bilex-serve-bench: no answer from " << o.url << '\n';
    return 3;
  }
  errors = 0;
  std::atomic<size_t> late{0};
  const auto start = std::chrono::steady_clock::now();
  const auto latencies = bilex::open_loop(o.connections, o.rate, o.duration,
                                          start, run_one, &late);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  nlohmann::json j = bilex::latency_summary(latencies, wall);
  j["errors"] = errors.load();
  j["connections"] = o.connections;
  j["rate_qps"] = o.rate;
  j["duration_s"] = o.duration;
  j["late_queries"] = late.load();
  std::cout << j.dump() << '\n';
  return errors ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "bilex-serve-bench: open-loop latency of bilex-serve's /api/search at "
      "a fixed rate (the twin of bilex-search --bench --rate)"};
  app.add_option("--url", o.url, "bilex-serve's address")
      ->capture_default_str();
  app.add_option("--queries", o.queries, "Query file, one a line")->required();
  app.add_option("--params", o.params,
                 "More parameters of each request, e.g. n=10&lang=es");
  app.add_option("--rate", o.rate, "Queries started per second")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  app.add_option("--duration", o.duration, "Seconds of load")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("--connections", o.connections,
                 "Keep-alive connections, one a sending thread")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return run(o);
}
