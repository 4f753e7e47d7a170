// bilex-index: command line -> run_index() -> summary and exit status.
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/cli.h"
#include "indexer/indexer.h"

namespace {

// One status line, rewritten in place: documents, MB analyzed, rate, and,
// when the inputs' size is known, the share read and the time left.
void print_progress(const bilex::IndexSummary& s, double seconds,
                    uint64_t total) {
  const size_t done = s.added + s.updated;
  std::string eta;
  if (total > 0 && s.input_read > 0 && seconds > 1) {
    const double share = std::min(
        1.0, static_cast<double>(s.input_read) / static_cast<double>(total));
    const double left = seconds / share - seconds;
    char buf[64];
    std::snprintf(buf, sizeof buf, ", %.0f%%, ETA %d:%02d", 100 * share,
                  static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    eta = buf;
  }
  std::fprintf(
      stderr,
      "\rbilex-index: %zu indexed, %zu unchanged, %.1f MB, %.0f docs/s%s\033[K",
      done, s.unchanged, static_cast<double>(s.bytes) / 1e6,
      seconds > 0 ? static_cast<double>(done) / seconds : 0.0, eta.c_str());
}

int run(const bilex::IndexOptions& opts, bool json, bool quiet) {
  const bool progress = !quiet && ::isatty(STDERR_FILENO);
  const uint64_t total = progress ? bilex::input_bytes(opts.paths) : 0;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  bool printed = false;
  const bilex::IndexSummary s =
      bilex::run_index(opts, [&](const bilex::IndexSummary& now) {
        const auto t = std::chrono::steady_clock::now();
        if (!progress || t - last < std::chrono::milliseconds(300)) return;
        last = t;
        printed = true;
        print_progress(now, std::chrono::duration<double>(t - start).count(),
                       total);
      });
  if (printed) std::fputs("\r\033[K", stderr);
  for (const bilex::Problem& p : s.problems) {
    std::cerr << "bilex-index: " << (p.skipped ? "skipped " : "warning: ")
              << p.source << ": " << p.reason << '\n';
  }
  if (json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const bilex::Problem& p : s.problems)
      problems.push_back({{"source", p.source}, {"reason", p.reason}});
    nlohmann::json j = {{"added", s.added},     {"updated", s.updated},
                        {"removed", s.removed}, {"unchanged", s.unchanged},
                        {"skipped", s.skipped}, {"docs", s.docs},
                        {"seconds", s.seconds}, {"problems", problems}};
    // The keys of docs/formats.md, and the shard count of a sharded index.
    if (s.shards > 1) j["shards"] = s.shards;
    std::cout << j.dump(-1, ' ', false,
                        nlohmann::json::error_handler_t::replace)
              << '\n';
  } else if (!quiet) {
    std::fprintf(stderr,
                 "bilex-index: %zu added, %zu updated, %zu removed, %zu "
                 "unchanged, %zu skipped; %zu documents in %s%s (%.2f s)\n",
                 s.added, s.updated, s.removed, s.unchanged, s.skipped, s.docs,
                 opts.db.c_str(),
                 s.shards > 1
                     ? (" (" + std::to_string(s.shards) + " shards)").c_str()
                     : "",
                 s.seconds);
  }
  return s.skipped > 0 ? 1 : 0;
}

// run(), with a failure to write the index said for what it is: what was
// committed stays.
int run_reporting_disk(const bilex::IndexOptions& opts, bool json, bool quiet) {
  try {
    return run(opts, json, quiet);
  } catch (const Xapian::DatabaseError& e) {
    std::cerr << "bilex-index: cannot update index " << opts.db << ": "
              << e.get_msg()
              << (e.get_error_string()
                      ? std::string(" (") + e.get_error_string() + ")"
                      : std::string())
              << "; it is kept as of its last commit (re-run once this is "
                 "fixed)\n";
    return 3;
  }
}

// The options, bound to OPTS, JSON and QUIET.
void add_options(CLI::App& app, bilex::IndexOptions& opts, std::string& lang,
                 bool& json, bool& quiet) {
  bilex::add_common_options(app, "bilex-index", opts.db);
  app.add_flag("--rebuild", opts.rebuild,
               "Build a fresh index and swap it in atomically");
  app.add_option("--lang", lang, "Document language: auto (detect), en or es")
      ->check(CLI::IsMember({"auto", "en", "es"}))
      ->capture_default_str();
  app.add_option("-j,--jobs", opts.jobs,
                 "Analysis threads (default: all cores)");
  app.add_option("--shards", opts.shards,
                 "Build N shards, searched as one database (a stub) and "
                 "servable by scripts/serve-shards; kept by later runs "
                 "(default: the index's count, 1 for a new index)")
      ->check(CLI::Range(1, 1024));
  app.add_flag("--compact", opts.compact,
               "Merge the shards (or a fragmented index) into one database "
               "with Xapian's compaction, swapped in atomically");
  app.add_flag("--json", json,
               "Print the summary as one JSON object on stdout");
  app.add_flag("-q,--quiet", quiet, "No progress and no summary line");
  app.add_option(
      "PATH", opts.paths,
      "Directories of .txt/.md articles, JSON Lines files "
      "(.jsonl, .jsonl.zst, .jsonl.gz), or - for JSON Lines on stdin "
      "(optional with --compact)");
}

// The checks across options that CLI11 does not make; false after saying
// what is wrong.
bool options_fit(const bilex::IndexOptions& opts) {
  if (opts.paths.empty() && !opts.compact) {
    std::cerr << "bilex-index: PATH is required (try bilex-index --help)\n";
    return false;
  }
  if (opts.compact && opts.shards > 1) {
    std::cerr << "bilex-index: --compact merges shards into one: it does not "
                 "take --shards "
              << opts.shards << '\n';
    return false;
  }
  return true;
}

// $BILEX_SEGMENT_ARTICLES, the articles of a fresh build's segments (for
// tests and measurements), into `opts`; false after saying it is wrong.
bool segment_articles_from_env(bilex::IndexOptions& opts) {
  const char* v = std::getenv("BILEX_SEGMENT_ARTICLES");
  if (!v || !*v) return true;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (*end || n == 0 || v[0] == '-') {
    std::cerr << "bilex-index: BILEX_SEGMENT_ARTICLES=" << v
              << ": not a positive number\n";
    return false;
  }
  opts.segment_articles = static_cast<size_t>(n);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bilex::IndexOptions opts;
  std::string lang = "auto";
  bool json = false, quiet = false;
  CLI::App app{
      "bilex-index: build and update a bilingual (English + Spanish) "
      "search index of news articles"};
  add_options(app, opts, lang, json, quiet);
  return bilex::run_command(app, argc, argv, "bilex-index", opts.db, [&] {
    if (!options_fit(opts) || !segment_articles_from_env(opts)) return 2;
    if (lang != "auto") opts.lang = bilex::parse_lang(lang);
    return run_reporting_disk(opts, json, quiet);
  });
}
