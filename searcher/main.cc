// bilex-search: command line -> Searcher -> printer, with exit statuses of
// docs/usage.md (0 answered, 2 usage or query error, 3 no usable index).
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "common/cli.h"
#include "common/error.h"
#include "common/lexicon.h"
#include "searcher/batch.h"
#include "searcher/printer.h"

namespace {

struct Cli {
  bilex::SearchRequest req;
  std::string db, lang, sort = "relevance", match, format = "text",
                        color = "auto", queries, bridge = "on";
  std::vector<std::string> words;
  bool no_snippets = false, explain = false, bench = false;
  bilex::BenchOptions bench_opts;
};

bool use_color(const std::string& when) {
  if (when == "always") return true;
  if (when == "never") return false;
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") &&
         !(term && std::string(term) == "dumb");
}

// The request's fields that the command line gives as words.
void fill_request(Cli& c) {
  auto& r = c.req;
  if (!c.lang.empty()) r.lang = bilex::parse_lang(c.lang);
  r.sort =
      c.sort == "date" ? bilex::SortOrder::date : bilex::SortOrder::relevance;
  if (c.match == "all") r.match = bilex::MatchMode::all;
  if (c.match == "any") r.match = bilex::MatchMode::any;
  r.snippets = !c.no_snippets;
  r.explain = c.explain;
  r.bridge = c.bridge == "on";
  if (r.bridge && !bilex::Lexicon::instance().available())
    std::cerr << "bilex-search: note: no English-Spanish lexicon ("
              << bilex::Lexicon::instance().note() << "): query bridging off\n";
  // The hits' translated words, for output that shows them (not --bench).
  r.translations = c.explain || (!c.queries.empty() && !c.bench) ||
                   c.format == "json" || c.format == "jsonl";
}

// --queries: batch answers, or the benchmark with --bench.
int run_queries(const Cli& c) {
  std::ifstream file;
  if (c.queries != "-") {
    file.open(c.queries);
    if (!file) {
      std::cerr << "bilex-search: cannot read queries file " << c.queries
                << '\n';
      return 2;
    }
  }
  const auto qs = bilex::read_queries(c.queries == "-" ? std::cin : file);
  if (c.bench) {
    bilex::run_bench(c.db, qs, c.req, c.bench_opts, std::cout);
    return 0;
  }
  return bilex::run_batch(c.db, qs, c.req, std::cout, c.explain,
                          c.bench_opts.threads)
             ? 2
             : 0;
}

// The query of the command line's words, answered in the chosen format.
int run_query(Cli& c) {
  auto& r = c.req;
  for (const auto& w : c.words) r.query += (r.query.empty() ? "" : " ") + w;
  if (r.query.empty()) {
    std::cerr << "bilex-search: no query given (try bilex-search --help)\n";
    return 2;
  }
  bilex::Searcher searcher(c.db);
  if (!searcher.note().empty())
    std::cerr << "bilex-search: note: " << searcher.note() << '\n';
  bilex::PrintOptions p;
  p.format = c.format == "json"    ? bilex::Format::json
             : c.format == "jsonl" ? bilex::Format::jsonl
             : c.format == "tsv"   ? bilex::Format::tsv
                                   : bilex::Format::text;
  p.color = use_color(c.color);
  p.explain = c.explain;
  r.missing_words = p.format == bilex::Format::text;
  const bilex::SearchResult result = searcher.search(r);
  for (const std::string& u : result.unavailable)
    std::cerr << "bilex-search: partial answer: " << u << '\n';
  bilex::print_result(std::cout, result, p);
  return 0;
}

int run(Cli& c) {
  fill_request(c);
  if (!c.queries.empty()) return run_queries(c);
  if (c.bench) {
    std::cerr << "bilex-search: --bench needs --queries FILE|-\n";
    return 2;
  }
  return run_query(c);
}

// The index, what to return and how to show it.
void add_result_options(CLI::App& app, Cli& c) {
  app.add_option("-n,--limit", c.req.limit, "Number of results")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_option("--offset", c.req.offset, "Skip this many results")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--lang", c.lang, "Only articles in this language")
      ->check(CLI::IsMember({"en", "es", "und"}));
  app.add_option("--since", c.req.since,
                 "Only articles dated on or after YYYY-MM-DD");
  app.add_option("--until", c.req.until,
                 "Only articles dated on or before YYYY-MM-DD");
  app.add_option("--sort", c.sort, "relevance or date (newest first)")
      ->check(CLI::IsMember({"relevance", "date"}))
      ->capture_default_str();
  app.add_option("--match", c.match,
                 "all: every word required; any: any word (default: all-word "
                 "matches first, then partial ones)")
      ->check(CLI::IsMember({"all", "any"}));
  app.add_option("--format", c.format, "text, json, jsonl or tsv")
      ->check(CLI::IsMember({"text", "json", "jsonl", "tsv"}))
      ->capture_default_str();
  app.add_option("--color", c.color, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--snippet-chars", c.req.snippet_chars,
                 "Snippet length in characters")
      ->check(CLI::Range(10, 100000))
      ->capture_default_str();
  app.add_flag("--no-snippets", c.no_snippets, "Leave snippets empty");
  app.add_option("--bridge", c.bridge,
                 "on: each word also searches its translations into the "
                 "other language (English <-> Spanish), weighted lower")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_flag("--explain", c.explain,
               "Show the parsed query, each hit's score and what each query "
               "word adds to it");
}

// --bm25 K1,B.
void parse_bm25(const std::string& v, bilex::SearchRequest& req) {
  double k1 = 0, b = 0;
  char tail = 0;
  if (std::sscanf(v.c_str(), "%lf,%lf%c", &k1, &b, &tail) != 2 || k1 < 0 ||
      k1 > 100 || b < 0 || b > 1)
    throw CLI::ValidationError(
        "--bm25",
        "expected K1,B with K1 in 0..100 and B in 0..1, got '" + v + "'");
  req.bm25_k1 = k1;
  req.bm25_b = b;
}

// --feedback off or DOCS,TERMS,WEIGHT.
void parse_feedback(const std::string& v, bilex::SearchRequest& req) {
  unsigned docs = 0, terms = 0;
  double weight = 0;
  char tail = 0;
  if (v == "off") {
    req.feedback_docs = 0;
    return;
  }
  if (std::sscanf(v.c_str(), "%u,%u,%lf%c", &docs, &terms, &weight, &tail) !=
          3 ||
      docs > 1000 || terms > 1000 || weight < 0 || weight > 100)
    throw CLI::ValidationError("--feedback",
                               "expected off or DOCS,TERMS,WEIGHT (DOCS and "
                               "TERMS at most 1000, WEIGHT in 0..100), got '" +
                                   v + "'");
  req.feedback_docs = docs;
  req.feedback_terms = terms;
  req.feedback_weight = weight;
}

// The weighting: BM25's parameters and pseudo-relevance feedback.
void add_ranking_options(CLI::App& app, Cli& c) {
  app.add_option_function<std::string>(
      "--bm25", [&](const std::string& v) { parse_bm25(v, c.req); },
      "Ranking: BM25 K1,B (default: " +
          std::to_string(c.req.bm25_k1).substr(0, 4) + "," +
          std::to_string(c.req.bm25_b).substr(0, 4) + ")");
  app.add_option_function<std::string>(
      "--weighting",
      [&](const std::string& v) {
        try {
          c.req.weighting = bilex::parse_weighting(v);
        } catch (const bilex::QueryError& e) {
          throw CLI::ValidationError(e.what());
        }
      },
      "Ranking model MODEL[:PARAMS] (default: bm25, whose K1,B --bm25 "
      "also sets): " +
          bilex::weighting_help());
  app.add_option_function<std::string>(
      "--feedback", [&](const std::string& v) { parse_feedback(v, c.req); },
      "Ranking of queries of " +
          std::to_string(bilex::SearchRequest::kFeedbackMinWords) +
          "+ words: add the TERMS stems that best mark the top DOCS hits, "
          "weighted up to WEIGHT (off, or DOCS,TERMS,WEIGHT)");
}

// Feedback's reach by query length, and proximity for phrase-like queries
// (docs/ranking.md, experiment 13).
void add_boost_options(CLI::App& app, Cli& c) {
  app.add_option_function<std::string>(
      "--feedback-length",
      [&](const std::string& v) {
        unsigned min = 0, per = 0;
        char tail = 0;
        const int n = std::sscanf(v.c_str(), "%u,%u%c", &min, &per, &tail);
        if ((n != 1 && n != 2) || min < 1 || min > 1000 || per > 1000)
          throw CLI::ValidationError(
              "--feedback-length",
              "expected MIN[,PER] in 1..1000, got '" + v + "'");
        c.req.feedback_min_words = min;
        c.req.feedback_per_words = per;
      },
      "Feedback only for queries of MIN+ words; with PER, its weight "
      "times WORDS/PER (default: " +
          std::to_string(bilex::SearchRequest::kFeedbackMinWords) + ")");
  app.add_option_function<std::string>(
      "--proximity",
      [&](const std::string& v) {
        unsigned words = 0, window = 0;
        double weight = 0;
        char tail = 0;
        if (v == "off") {
          c.req.proximity_words = 0;
          return;
        }
        if (std::sscanf(v.c_str(), "%u,%u,%lf%c", &words, &window, &weight,
                        &tail) != 3 ||
            words > 1000 || window > 1000 || weight < 0 || weight > 100)
          throw CLI::ValidationError(
              "--proximity",
              "expected off or WORDS,WINDOW,WEIGHT (WORDS and WINDOW at "
              "most 1000, WEIGHT in 0..100), got '" +
                  v + "'");
        c.req.proximity_words = words;
        c.req.proximity_window = window;
        c.req.proximity_weight = weight;
      },
      "Ranking of queries of 2 to WORDS plain words: their exact forms "
      "within WINDOW positions score again, times WEIGHT (default: off)");
}

// Batch mode and the latency benchmark.
void add_batch_options(CLI::App& app, Cli& c) {
  app.add_option(
      "--queries", c.queries,
      "Batch mode: one query per line (- for stdin), JSON Lines out");
  app.add_flag("--bench", c.bench,
               "With --queries: print latency percentiles and QPS");
  app.add_option("--repeat", c.bench_opts.repeat,
                 "--bench: passes over the queries")
      ->check(CLI::PositiveNumber);
  app.add_option(
         "--rate", c.bench_opts.rate,
         "--bench: start queries at this many per second (open loop; latency "
         "counted from each query's intended start)")
      ->check(CLI::Range(0.001, 1e7));
  app.add_option("--duration", c.bench_opts.duration,
                 "--bench --rate: seconds of load")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("--threads", c.bench_opts.threads,
                 "--queries: searching threads, each with its own index "
                 "handle (output in query order whatever the count)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--allow-partial", c.req.allow_partial,
               "An index of shards: answer from the shards that answer when "
               "some do not (JSON: \"partial\": true; the others named on "
               "stderr)");
}

}  // namespace

int main(int argc, char** argv) {
  Cli c;
  CLI::App app{
      "bilex-search: ranked bilingual (English + Spanish) search of "
      "news articles, with highlighted snippets"};
  bilex::add_common_options(app, "bilex-search", c.db);
  add_result_options(app, c);
  add_ranking_options(app, c);
  add_boost_options(app, c);
  add_batch_options(app, c);
  app.add_option("QUERY", c.words,
                 "Query words, \"phrases\", OR, NOT, -word, prefix*, "
                 "title:, lang:, date:FROM..TO, parentheses");
  return bilex::run_command(app, argc, argv, "bilex-search", c.db,
                            [&] { return run(c); });
}
